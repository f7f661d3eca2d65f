import { execa, type ResultPromise } from 'execa';
import { cleanEnv, type RunResult } from './process.js';
import { ControlParser, controlCommandLine, type ControlReply } from './tmux-control-parser.js';

/** A chain sent down the connection and waiting for its replies. */
interface Waiting {
  readonly line: string;
  readonly commands: number;
  readonly replies: ControlReply[];
  readonly answer: (replies: ControlReply[] | undefined) => void;
}

/** How much of the client's stderr is kept to say why it closed. */
const STDERR_LIMIT = 2000;
let clients = 0;
/** How long the server may take to drop a dead client before its marker is read anyway. */
const CLIENT_GONE_MS = 3000;

/** A chain's answer: its replies (one per command run; tmux stops at the first failure), or none if the client closed. */
export type ControlAnswer =
  { readonly replies: ControlReply[] } | { readonly replies: undefined; readonly ran: boolean };

/** How a control client reaches its server: this machine's tmux, or a host's through its ssh connection. */
export interface ControlTransport {
  /** The program and arguments that run `tmux <socket> -C attach-session ...` (ssh and its own flags first on a host). */
  readonly argv: readonly string[];
  /** Runs `tmux <socket> ...args` as one process, failure allowed: how the client's fate is asked once it closed. */
  readonly ask: (args: readonly string[]) => Promise<RunResult>;
}

/** What a control client runs after the socket: attached, never resizing a window, with no pane bytes streamed. */
export const CONTROL_ATTACH = ['-C', 'attach-session', '-f', 'no-output,ignore-size'] as const;

/**
 * One tmux control-mode client (`tmux -C attach-session`) on a running server: commands go down its stdin one line
 * per chain and their replies come back in the order sent. It attaches with `ignore-size` (it never resizes a
 * window) and `no-output` (no pane bytes are streamed to it). It holds no session of its own, so it never keeps the
 * server alive, and it holds Node's event loop only while a command waits: a process that is done exits, closing the
 * pipe, which detaches the client.
 */
export class ControlClient {
  private readonly child: ResultPromise;
  private readonly parser: ControlParser;
  /** Chains written and not answered, oldest first. */
  private readonly sent: Waiting[] = [];
  /** Chains waiting for the attach to finish: a pane made before it would get the client's PATH (spawn.c). */
  private queued: Waiting[] | undefined = [];
  private partial = '';
  private stderr = '';
  private closedBecause: string | undefined;
  /**
   * A server option each chain that changes something sets first, to its sequence number: if the client dies before
   * the reply, the option says whether the chain ran, so it is neither lost nor run twice.
   */
  private readonly marker = `@czar-control-${process.pid}-${++clients}`;
  private changes = 0;
  private ranUpTo: Promise<number> | undefined;
  /** The client's pid as its server knows it (through ssh, not the local child's): asked first once attached. */
  private serverPid: Promise<string | undefined>;
  private settlePid: (pid: string | undefined) => void = () => undefined;
  /** Settles once the client is attached (its own attach command answered) or closed. */
  readonly ready: Promise<void>;
  private settleAttached: () => void = () => undefined;

  constructor(
    private readonly transport: ControlTransport,
    onClose: (reason: string, unanswered: number) => void,
  ) {
    this.ready = new Promise((resolve) => (this.settleAttached = resolve));
    this.serverPid = new Promise((resolve) => (this.settlePid = resolve));
    const [file = 'tmux', ...args] = transport.argv;
    this.child = execa(file, args, {
      env: cleanEnv(),
      extendEnv: false,
      buffer: false,
      reject: false,
      cleanup: false,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.parser = new ControlParser(
      (reply) => this.reply(reply),
      () => undefined,
    );
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => this.read(chunk));
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      if (this.stderr.length < STDERR_LIMIT) this.stderr += chunk.slice(0, STDERR_LIMIT - this.stderr.length);
    });
    // A write after the client died fails here; the exit below answers what was waiting.
    this.child.stdin?.on('error', () => undefined);
    void this.child.then((result) => {
      const reason = this.stderr.trim() || `the client exited with ${String(result.exitCode ?? result.signal)}`;
      const unanswered = this.shut(reason);
      onClose(this.closedBecause ?? reason, unanswered);
    });
    this.hold(true);
  }

  get open(): boolean {
    return this.closedBecause === undefined;
  }

  /** Sends a chain; `changes`: it changes the server, so running it again after a lost reply must not happen. */
  async send(commands: readonly (readonly string[])[], changes: boolean): Promise<ControlAnswer> {
    const seq = changes ? ++this.changes : undefined;
    const marked = seq === undefined ? commands : [['set-option', '-g', this.marker, String(seq)], ...commands];
    const replies = await new Promise<ControlReply[] | undefined>((answer) => {
      const waiting: Waiting = { line: controlCommandLine(marked), commands: marked.length, replies: [], answer };
      if (!this.open) answer(undefined);
      else if (this.queued !== undefined) this.queued.push(waiting);
      else this.write(waiting);
    });
    if (replies !== undefined) return { replies: seq === undefined ? replies : replies.slice(1) };
    return { replies, ran: seq !== undefined && (await this.lastRun()) >= seq };
  }

  /**
   * The sequence number of the last changing chain the server ran, asked once after the client closed. The server
   * may still run lines the dead client passed on until it drops the client, so the answer counts only once the
   * client is gone from the server's list (asked in the same invocation).
   */
  private lastRun(): Promise<number> {
    this.ranUpTo ??= (async () => {
      const pid = await this.serverPid;
      const ask = ['list-clients', '-F', 'pid #{client_pid}', ';', 'show-options', '-gqv', this.marker];
      const deadline = Date.now() + CLIENT_GONE_MS;
      for (;;) {
        const result = await this.transport.ask(ask);
        // A client whose pid never came may still be listed: only the deadline tells then.
        const listed = pid === undefined || result.stdout.split('\n').includes(`pid ${pid}`);
        const clientGone = result.exitCode !== 0 || !listed;
        if (clientGone || Date.now() > deadline) return Number(result.stdout.split('\n').at(-2)) || 0;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    return this.ranUpTo;
  }

  /** Detaches: closing stdin ends the client. */
  close(): void {
    if (this.changes > 0) this.child.stdin?.write(`${controlCommandLine([['set-option', '-gu', this.marker]])}\n`);
    this.shut('closed by czar');
    this.child.stdin?.end();
  }

  private write(waiting: Waiting): void {
    this.sent.push(waiting);
    this.hold(true);
    this.child.stdin?.write(`${waiting.line}\n`);
  }

  private read(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.parser.line(line);
  }

  private reply(reply: ControlReply): void {
    if (!reply.ours) {
      if (this.queued !== undefined && !reply.failed) this.attached();
      return;
    }
    const waiting = this.sent[0];
    if (waiting === undefined) return;
    waiting.replies.push(reply);
    if (!reply.failed && waiting.replies.length < waiting.commands) return;
    this.sent.shift();
    waiting.answer(waiting.replies);
    if (this.sent.length === 0) this.hold(false);
  }

  /** The attach command's reply (flag 0) came: the client is in a session, and what waited is written. */
  private attached(): void {
    const queued = this.queued ?? [];
    this.queued = undefined;
    this.settleAttached();
    this.write({
      line: controlCommandLine([['display-message', '-p', '#{client_pid}']]),
      commands: 1,
      replies: [],
      answer: (replies) => this.settlePid(replies?.[0]?.failed === false ? replies[0].lines[0]?.trim() : undefined),
    });
    for (const waiting of queued) this.write(waiting);
    if (this.sent.length === 0) this.hold(false);
  }

  /** Answers every waiting chain with undefined (its caller runs it again as a process); returns how many there were. */
  private shut(reason: string): number {
    this.closedBecause ??= reason;
    const unanswered = [...this.sent, ...(this.queued ?? [])];
    this.sent.length = 0;
    this.queued = undefined;
    this.settleAttached();
    // Never attached, or closed before it said: a client the server never listed cannot still be running lines.
    this.settlePid(undefined);
    for (const waiting of unanswered) waiting.answer(undefined);
    this.hold(false);
    return unanswered.length;
  }

  /** Keeps Node's event loop alive while a reply is awaited, and only then. */
  private hold(waiting: boolean): void {
    // The child's pipes are net.Socket underneath, which can be unref'd like the child itself.
    for (const handle of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown[]) {
      if (!isRefable(handle)) continue;
      if (waiting) handle.ref();
      else handle.unref();
    }
  }
}

function isRefable(handle: unknown): handle is { ref(): void; unref(): void } {
  return typeof handle === 'object' && handle !== null && 'ref' in handle && typeof handle.ref === 'function';
}
