import { CLAUDE_SIGNALS } from '../agents/claude/signals.js';
import { stateFromRows } from '../agents/hook-rows.js';
import { claudeApiError } from './api-error.js';
import { writeCapture } from './capture.js';
import { defaultDirectives, hasDirectives, parseDirectives, type Directive } from './directives.js';
import type { Busy, Mode } from './live-view.js';
import type { SimReporter } from './report.js';
import { renderAsk, renderError, renderNote, type Screen } from './screen.js';
import { runDirective, type TurnContext } from './turn.js';

/** What the turns run with: fixed for the agent's life. */
export interface TurnSetup {
  readonly cwd: string;
  readonly worker: string;
  readonly speed: number;
  /** Where each submitted message is captured for tests (`CZAR_SIM_CAPTURE_DIR`), if anywhere. */
  readonly captureDir: string | undefined;
  readonly screen: Screen;
  readonly reporter: SimReporter | undefined;
  /** Aborted when the agent exits: every wait ends with it. */
  readonly lifetime: AbortSignal;
}

/** What a turn asks of the agent around it: its mode, a question or a hang, a redraw, and the ways out. */
export interface TurnHost {
  mode(): Mode;
  /** Shows a permission question; a key later answers it through `answer()` or `interrupt()`. */
  ask(question: string): void;
  /** Stops drawing and reading for good while staying alive. */
  hang(): void;
  redraw(): void;
  /** Prints an error and carries on. */
  warn(error: unknown): void;
  /** Prints an error and exits 70. */
  fail(error: unknown): void;
  exit(code: number): void;
}

/**
 * Runs each submitted message as a turn, one after another: its `@sim` directives (or the default ones) with a
 * spinner, reports to czar at the start, at questions and at the end, as a real agent's hooks would.
 */
export class TurnRunner {
  private running: Busy | undefined;
  private waiting = 0;
  /** Aborted by Esc: ends the running turn, as "esc to interrupt" promises. */
  private turnAbort = new AbortController();
  /** The StopFailure payload of the current turn, when its model calls failed (`@sim api-error`). */
  private turnFailure: { error: string; last_assistant_message: string } | undefined;
  private pendingAnswer: ((yes: boolean) => void) | undefined;
  private turns: Promise<void> = Promise.resolve();
  /** Messages taken so far: the first is the task, later ones are follow-ups (nudges, realigns, notes). */
  private turnsTaken = 0;
  /** The prompt of the running turn, as it arrived. */
  private prompt = '';
  private captures: Promise<void> = Promise.resolve();

  constructor(
    private readonly setup: TurnSetup,
    private readonly host: TurnHost,
  ) {}

  /** The running turn's spinner, undefined between turns. */
  get busy(): Busy | undefined {
    return this.running;
  }

  /** Messages submitted whose turns have not started yet. */
  get queued(): number {
    return this.waiting;
  }

  /** Queues a message as a turn after the ones before it. */
  submit(bytes: Buffer, echo: string): void {
    // The capture is written in submit order and before the turn starts, so tests see exactly what arrived.
    const captured = (this.captures = this.captures
      .then(async () => void (await writeCapture(this.setup.captureDir, this.setup.worker, bytes)))
      .catch((error: unknown) => this.host.warn(error)));
    this.waiting++;
    this.turns = this.turns
      .then(() => captured)
      .then(() => this.runTurn(bytes, echo))
      .catch((error: unknown) => this.host.fail(error));
  }

  /** Ends the running turn (Esc). */
  interrupt(): void {
    this.turnAbort.abort();
  }

  /** Answers the open permission question, if any. */
  answer(yes: boolean): void {
    const answer = this.pendingAnswer;
    this.pendingAnswer = undefined;
    answer?.(yes);
  }

  private async runTurn(bytes: Buffer, echo: string): Promise<void> {
    const { screen, worker, lifetime } = this.setup;
    this.waiting--;
    if (this.host.mode() === 'exited' || this.host.mode() === 'hung') return;
    this.running = { verb: 'Thinking', since: Date.now() };
    this.turnAbort = new AbortController();
    const signal = AbortSignal.any([lifetime, this.turnAbort.signal]);
    screen.print([`> ${echo}`, '']);
    this.host.redraw();
    await this.report('working', undefined, 'task received');
    const text = bytes.toString('utf8');
    this.prompt = text;
    const parsed = hasDirectives(text)
      ? parseDirectives(text)
      : { directives: defaultDirectives(worker, text, this.turnsTaken > 0), problems: [] };
    this.turnsTaken++;
    for (const problem of parsed.problems) screen.print([renderError(`Ignored ${problem}`, screen.width)]);
    for (const directive of parsed.directives) {
      if (signal.aborted) break;
      const next = await this.perform(directive, signal);
      if (next === 'stop') break;
    }
    if (lifetime.aborted) return;
    await this.reportTurnEnd();
    this.running = undefined;
    if (this.host.mode() === 'input') screen.print(['']);
    this.host.redraw();
  }

  private async reportTurnEnd(): Promise<void> {
    const { screen, reporter } = this.setup;
    if (this.turnAbort.signal.aborted) {
      screen.print([renderNote('⎿  Interrupted by user', screen.width)]);
      await reporter?.report('idle', { note: 'interrupted by user' }).catch((error: unknown) => this.host.warn(error));
    } else if (this.turnFailure !== undefined) {
      // A failed turn ends as Claude Code's does: its StopFailure hook, read by the same table czar's hooks use.
      const failed = stateFromRows(CLAUDE_SIGNALS.hooks, 'StopFailure', this.turnFailure);
      this.turnFailure = undefined;
      if (failed !== undefined)
        await reporter
          ?.report(failed.state, { note: failed.note, turnEnd: true, failure: failed.failure })
          .catch((error: unknown) => this.host.warn(error));
    } else {
      // Every turn ends with an idle report, even right after "done": Claude Code's Stop hook fires about 0.2 s
      // after the done report its turn ran, and czar must read that as what done looks like.
      await reporter
        ?.report('idle', { note: 'turn ended', turnEnd: true })
        .catch((error: unknown) => this.host.warn(error));
    }
  }

  private async perform(directive: Directive, signal: AbortSignal): Promise<'next' | 'stop'> {
    const { screen } = this.setup;
    try {
      if (directive.kind === 'ask') return await this.ask(directive.question, signal);
      if (directive.kind === 'hang') return await this.hang();
      if (directive.kind === 'api-error') {
        const failure = claudeApiError(directive.status, directive.message);
        screen.print([renderError(failure.line, screen.width)]);
        this.turnFailure = failure.payload;
        return 'stop';
      }
      if (directive.kind === 'crash') {
        screen.setLive([]);
        screen.print([renderError(`Error: simulated crash (exit ${directive.code})`, screen.width)]);
        this.host.exit(directive.code);
        return 'stop';
      }
      return await runDirective(directive, this.turnContext(signal));
    } catch (error) {
      if (signal.aborted) return 'stop';
      this.host.warn(error);
      return 'next';
    }
  }

  private turnContext(signal: AbortSignal): TurnContext {
    const { cwd, worker, speed, screen, reporter } = this.setup;
    return {
      cwd,
      worker,
      prompt: this.prompt,
      speed,
      signal,
      width: screen.width,
      reporter,
      print: (lines) => screen.print(lines),
      setVerb: (verb) => {
        if (this.running !== undefined) this.running.verb = verb;
        this.host.redraw();
      },
    };
  }

  private async ask(question: string, signal: AbortSignal): Promise<'next' | 'stop'> {
    const { screen } = this.setup;
    this.host.ask(question);
    this.host.redraw();
    await this.report('waiting', undefined, question);
    const yes = await new Promise<boolean | undefined>((resolve) => {
      this.pendingAnswer = resolve;
      signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
    this.pendingAnswer = undefined;
    if (yes === undefined) return 'stop';
    screen.print(
      renderAsk(question, screen.width)
        .slice(0, 1)
        .concat([`  ⎿  ${yes ? 'Yes' : 'No'}`]),
    );
    await this.report('working', undefined, `answered ${yes ? 'yes' : 'no'}`);
    return 'next';
  }

  /** The wedged agent czar must notice by silence: it stays alive until it is killed. */
  private async hang(): Promise<'stop'> {
    this.host.hang();
    const keepAlive = setInterval(() => undefined, 60_000);
    await new Promise((resolve) => this.setup.lifetime.addEventListener('abort', resolve, { once: true }));
    clearInterval(keepAlive);
    return 'stop';
  }

  private async report(state: 'working' | 'waiting', progress: number | undefined, note: string): Promise<void> {
    await this.setup.reporter?.report(state, { progress, note }).catch((error: unknown) => this.host.warn(error));
  }
}
