import type { NoApprovalMode } from '../domain/model/box.js';
import type { AgentCommand, PresetName } from '../domain/model/config-types.js';
import type { AgentResume } from './resume.js';
import type { ReviewMode } from './review-call.js';
import type { Signals } from './signals.js';
import type { AgentTranscripts, TranscriptContext } from './transcripts.js';

/** A first-run or in-flight dialog an agent may show, and the keys that answer it on purpose. */
export interface Dialog {
  /** Short id for events, e.g. `claude-trust`. */
  readonly id: string;
  /** Tested against the captured screen. */
  readonly match: RegExp;
  /**
   * The dialog is still drawn, answered or not (default `match`). After its answer the agent is not ready while
   * this holds: Gemini CLI keeps its trust dialog up while it restarts, and a paste then goes nowhere.
   */
  readonly shown?: RegExp;
  /**
   * tmux key names sent to answer it. Prefer a key that names the choice (`1` picks option 1 whatever is
   * highlighted) over Enter on a default; an Enter only where `match` already proves what it confirms.
   */
  readonly keys: readonly string[];
  /** Why this answer, for the event log. */
  readonly why: string;
}

/** A screen that means the agent cannot work at all (signed out, missing key); delivery stops and says so. */
export interface FatalScreen {
  readonly match: RegExp;
  /** One sentence for the person: what is wrong and how to fix it. */
  readonly message: string;
}

/** Files an agent needs outside the worktree (hook settings) and the extra arguments that point at them. */
export interface AgentSetup {
  readonly files: readonly { readonly path: string; readonly content: string }[];
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Files the agent reads only when they and every folder above them are owned by root and closed to others. */
  readonly rootOwnedFiles?: readonly string[];
}

export interface SetupContext {
  readonly worker: string;
  /** Folder reserved for this worker's agent files, private (0700) all the way from the user's cache dir. */
  readonly settingsDir: string;
  /** argv that runs `czar` itself, for hook commands (`czarHookCommand`). */
  readonly czarCommand: readonly string[];
  readonly worktree: string;
  /**
   * The person's cache folder on this machine (XDG_CACHE_HOME or ~/.cache), which every worker here shares: where an
   * agent that unpacks itself keeps what it unpacked. Absent on an ssh host, where the agent's own default serves.
   */
  readonly cacheDir?: string;
}

/** What `czar doctor` tells of an agent czar can install for the person: where it comes from and how it signs in. */
export interface AgentInstall {
  /** The npm package and the version czar was checked against (`npm install -g <package>`). */
  readonly npm: string;
  /** One sentence: what it needs to sign in, and how to give it that. */
  readonly signIn: string;
}

/**
 * Everything czar knows about one kind of agent, in one shape: how it starts (command, setup, dialogs), when it is
 * ready and how a paste is submitted, what its screens, hooks and records mean, how it is interrupted, resumed and
 * asked for a review. Screens are plain text from `capture-pane -p -J`. Each built-in lives in `agents/<name>/`;
 * a person's own agent in `czar.yaml` takes a built-in's shape and overrides its data fields (`custom-agent.ts`).
 */
export interface AgentPreset {
  readonly name: PresetName;
  /** Default command line; a config entry may override command, args and env. */
  readonly defaults: Omit<AgentCommand, 'name' | 'preset'>;
  /** The input box is drawn and bracketed paste is on: safe to paste. */
  isReady(screen: string): boolean;
  /**
   * How long `isReady` must hold on an unchanged screen before pasting: a TUI may draw its prompt a moment before
   * it enables bracketed paste, and a generic program has no prompt to recognise at all. Absent means 0.
   */
  readonly settleMs?: number;
  /**
   * A shorter `settleMs` once the program has turned bracketed paste on, which a TUI does when it waits for input:
   * for a program czar has no prompt to recognise. Absent means `settleMs` whatever the mode.
   */
  readonly pasteModeSettleMs?: number;
  /**
   * What the input box holds now (`''` when empty), or undefined when this preset cannot tell. Delivery uses it to
   * see whether a paste landed and whether Enter took it away. Absent means the same as always undefined.
   */
  inputText?(screen: string): string | undefined;
  /** A turn is running (spinner, "esc to interrupt"): a submitted task took. */
  isBusy(screen: string): boolean;
  /** A question for the person is on screen (permission prompt, y/n). */
  isWaiting(screen: string): boolean;
  readonly dialogs: readonly Dialog[];
  readonly fatal: readonly FatalScreen[];
  /**
   * Minimum quiet time between the end of a paste and Enter. Claude Code 2.1 drops an Enter that arrives within
   * about 2 s of a bracketed paste; simpler TUIs need only enough to not share a read() with the paste end.
   */
  readonly submitDelayMs: number;
  /** How long to wait for readiness after start before giving up. */
  readonly readyTimeoutMs: number;
  /** tmux key names that stop a running turn and keep the agent (Escape in Claude Code, Codex and Gemini CLI). */
  readonly interruptKeys: readonly string[];
  /**
   * Gets only its own task, exactly as written: czar's prose (the preamble, nudges, re-briefs, another worker's news)
   * would run as commands in a plain shell, backtick spans and all.
   */
  readonly plainTask?: true;
  /**
   * Enter is pressed once: a shell takes every Enter it reads, and one pressed again would go to the program the
   * first started (a script reading stdin, a `[Y/n]` prompt). Its submission is judged by the shell: its screen, or
   * the command it now runs in the foreground.
   */
  readonly enterOnce?: true;
  /**
   * Its input box takes text before its start-up is over, and a prompt submitted then may be held unsent: the first
   * paste into a freshly started agent waits for its first report (its start-up hook's).
   */
  readonly startUpReport?: true;
  /**
   * Its hooks report each turn as it starts: a task czar gave is taken up when that report comes, and the quiet before
   * it is the agent setting up its turn, not idleness.
   */
  readonly reportsTurnStart: boolean;
  /** Hook settings and extra arguments for a worker; pure (the caller writes the files). */
  setup(context: SetupContext): AgentSetup;
  /** What its hook events and error screens mean. */
  readonly signals: Signals;
  /** Where it keeps its own transcripts (usage, the prompts it received); absent for an agent that keeps none czar reads. */
  transcripts?(context: TranscriptContext): AgentTranscripts;
  /** How a restart continues the agent's own conversation; absent for an agent that cannot. */
  readonly resume?: AgentResume;
  /** How it reviews a branch as a one-shot command; absent for an agent that cannot review. */
  readonly review?: ReviewMode;
  /**
   * Agents of this kind start one at a time in a launch, each once the one before is ready: for an agent whose
   * instances share state in HOME that a start sets up (a database) and that hung when several started at once.
   */
  readonly startsOneAtATime?: true;
  /**
   * How it runs its tools without asking, which a boxed worker's agent starts in unless `sandbox.prompts: keep` (the
   * box is the boundary); absent for an agent without such a mode.
   */
  readonly noApproval?: NoApprovalMode;
  /** Where it comes from and how it signs in, for `czar doctor`; absent for an agent it says nothing more of. */
  readonly install?: AgentInstall;
}
