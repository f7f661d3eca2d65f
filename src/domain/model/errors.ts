import { ERROR_CODES, type CzarErrorCode } from './error-codes.js';

/**
 * The one error type czar throws on purpose. `message` is a single sentence a person can act on: the bad
 * value, where it came from, and how to fix it. Only `cli/` prints it and turns `exitCode` into the exit status.
 * The code decides the exit status, so each kind ends a command the same way (the list is in error-codes.ts).
 */
export class CzarError extends Error {
  override readonly name = 'CzarError';
  /** Stable machine-readable kind, e.g. `config_invalid`, `tmux_gone`, `delivery_failed`. */
  readonly code: CzarErrorCode;
  /** Process exit status the CLI uses when this error ends a command. */
  readonly exitCode: number;
  /** Optional extra lines (all problems of a config, say) printed under the message. */
  readonly details: readonly string[];

  constructor(code: CzarErrorCode, message: string, options: { details?: readonly string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = ERROR_CODES[code][0];
    this.details = options.details ?? [];
  }
}

export function isCzarError(error: unknown): error is CzarError {
  return error instanceof CzarError;
}
