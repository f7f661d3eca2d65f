// What a one-shot review process is given and gives back: the agents' review modes build it, the adapter runs it.
export interface ReviewCall {
  readonly cwd: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Written to the process's stdin, then closed. */
  readonly stdin?: string;
  /** Files to write (absolute paths under `workDir`) before the call. */
  readonly files: readonly { readonly path: string; readonly content: string }[];
  /** Files the call writes its answer to (absolute paths under `workDir`), read back after it exits. */
  readonly outputs: readonly string[];
}

export interface ReviewOutput {
  readonly stdout: string;
  /** The files the call named as outputs, read back after it exited (absent when not written). */
  readonly files: Readonly<Record<string, string>>;
}
