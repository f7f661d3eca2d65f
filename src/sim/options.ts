import { parseArgs } from 'node:util';
import { CzarError } from '../domain/model/errors.js';

/** Command-line options of `czar-sim-agent`. */
export interface SimOptions {
  /** Delay before the input box appears, like a slow agent boot. */
  readonly startupMs: number;
  /** Show Claude Code's folder trust dialog first, highlighting "No" (a hostile default czar must not Enter through). */
  readonly trustDialog: boolean;
  /** Drop an Enter that comes this soon after a bracketed paste ended (Claude Code 2.1 does so for ~2 s). */
  readonly enterGuardMs: number;
  /** Multiplies every directive duration (0.1 = ten times faster). */
  readonly speed: number;
  /** Never report through czar, like an agent without hooks (Aider, a shell): only the pane and git show its state. */
  readonly noReport: boolean;
  /** Run once as a reviewer: the prompt on stdin, the scripted verdict on stdout (see `sim/review.ts`). */
  readonly review: boolean;
}

export function parseSimOptions(argv: readonly string[]): SimOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'startup-ms': { type: 'string' },
        'trust-dialog': { type: 'boolean' },
        'enter-guard-ms': { type: 'string' },
        speed: { type: 'string' },
        'no-report': { type: 'boolean' },
        review: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CzarError(
      'sim_usage',
      `czar-sim-agent: ${(error as Error).message}; known options: --startup-ms N, --trust-dialog, --enter-guard-ms N, --speed F, --no-report, --review.`,
    );
  }
  return {
    startupMs: number('--startup-ms', values['startup-ms'], 0),
    trustDialog: values['trust-dialog'] === true,
    enterGuardMs: number('--enter-guard-ms', values['enter-guard-ms'], 0),
    speed: number('--speed', values.speed, 1),
    noReport: values['no-report'] === true,
    review: values.review === true,
  };
}

function number(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new CzarError('sim_usage', `czar-sim-agent: ${flag} must be a number >= 0, got "${text}".`);
  }
  return value;
}
