import { setTimeout as delay } from 'node:timers/promises';
import { isCzarError } from '../domain/errors.js';
import { addPaste, backspace, composedBytes, displayText, emptyComposer, isEmpty, typeText, type Composer } from './composer.js';
import { defaultDirectives, hasDirectives, parseDirectives, type Directive } from './directives.js';
import { createInputParser, type InputEvent } from './input.js';
import { parseSimOptions, type SimOptions } from './options.js';
import { stateForHook } from '../agents/hook-events.js';
import { claudeApiError } from './api-error.js';
import { reporterFromEnv, type SimReporter } from './report.js';
import { runDirective, type TurnContext } from './turn.js';
import {
  BRACKETED_PASTE_OFF,
  BRACKETED_PASTE_ON,
  HIDE_CURSOR,
  SHOW_CURSOR,
  Screen,
  renderAsk,
  renderBanner,
  renderBooting,
  renderBusyLine,
  renderError,
  renderInputBox,
  renderNote,
  renderTrustDialog,
} from './screen.js';
import { writeCapture } from './capture.js';

/**
 * Runs the simulated agent on this process's tty until it exits; resolves with the exit code. A small program
 * that behaves like an agent TUI (boot, trust dialog, input box, bracketed paste, busy spinner, permission
 * question) and follows `@sim` lines in the task, so czar's tests and demo drive a real program in tmux.
 */
export async function runSimAgent(argv: string[]): Promise<number> {
  let options: SimOptions;
  try {
    options = parseSimOptions(argv);
  } catch (error) {
    if (!isCzarError(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  return new SimAgent(options, process.stdin, process.stdout, process.env, process.cwd()).run();
}

type Mode = 'booting' | 'trust' | 'input' | 'ask' | 'hung' | 'exited';

/** Ctrl-C twice within this long exits, like Claude Code. */
const CTRL_C_WINDOW_MS = 2000;
const SPINNER_MS = 120;
/** A lone ESC with nothing after it for this long was the Escape key, not the start of a sequence. */
const ESC_FLUSH_MS = 50;

class SimAgent {
  private readonly screen: Screen;
  private readonly parser = createInputParser();
  private readonly reporter: SimReporter | undefined;
  private readonly worker: string;
  private readonly lifetime = new AbortController();
  private mode: Mode = 'booting';
  private composer: Composer = emptyComposer;
  private trustChoice: 0 | 1 = 1;
  private busy: { verb: string; since: number } | undefined;
  private queued = 0;
  private frame = 0;
  private lastPasteEnd = -Infinity;
  private ctrlCAt = -Infinity;
  private answer: ((yes: boolean) => void) | undefined;
  /** Aborted by Esc: ends the running turn, as "esc to interrupt" promises. */
  private turnAbort = new AbortController();
  /** The StopFailure payload of the current turn, when its model calls failed (`@sim api-error`). */
  private turnFailure: { error: string; last_assistant_message: string } | undefined;
  private askQuestion = '';
  private turns: Promise<void> = Promise.resolve();
  /** Messages taken so far: the first is the task, later ones are follow-ups (nudges, realigns, notes). */
  private turnsTaken = 0;
  /** The prompt of the running turn, as it arrived. */
  private prompt = '';
  private captures: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private finish: (code: number) => void = () => undefined;

  constructor(
    private readonly options: SimOptions,
    private readonly stdin: NodeJS.ReadStream,
    private readonly stdout: NodeJS.WriteStream,
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
  ) {
    this.screen = new Screen(stdout);
    this.reporter = options.noReport ? undefined : reporterFromEnv(env);
    this.worker = env.CZAR_WORKER !== undefined && env.CZAR_WORKER !== '' ? env.CZAR_WORKER : 'sim';
  }

  run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finish = resolve));
    if (this.stdin.isTTY) this.stdin.setRawMode(true);
    this.stdin.on('data', this.onData);
    this.stdin.on('end', this.onEnd);
    this.stdout.on('resize', this.onResize);
    // A pane that went away must not turn every later write into a crash.
    this.stdout.on('error', () => undefined);
    this.stdin.resume();
    this.screen.raw(HIDE_CURSOR);
    this.screen.print(renderBanner(this.worker, this.cwd, this.screen.width));
    this.every(SPINNER_MS, () => this.tick());
    this.redraw();
    this.boot().catch((error: unknown) => this.fail(error));
    return done;
  }

  private async boot(): Promise<void> {
    await delay(this.options.startupMs, undefined, { signal: this.lifetime.signal });
    this.mode = this.options.trustDialog ? 'trust' : 'input';
    if (this.mode === 'input') this.screen.raw(BRACKETED_PASTE_ON);
    this.redraw();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.mode === 'hung' || this.mode === 'exited') return;
    clearTimeout(this.flushTimer);
    for (const event of this.parser.push(chunk)) this.handle(event);
    this.flushTimer = setTimeout(() => this.parser.flush().forEach((event) => this.handle(event)), ESC_FLUSH_MS);
    this.redraw();
  };

  private readonly onEnd = (): void => this.exit(0);
  private readonly onResize = (): void => this.screen.refresh();

  private handle(event: InputEvent): void {
    if (event.type === 'ctrl-c' && this.mode !== 'trust') return this.ctrlC();
    switch (this.mode) {
      case 'trust':
        return this.handleTrust(event);
      case 'ask':
        return this.handleAsk(event);
      case 'input':
        return this.handleInput(event);
      case 'booting':
      case 'hung':
      case 'exited':
        // A slow agent loses what is typed before its input box exists: czar must wait for readiness.
        return;
    }
  }

  private handleTrust(event: InputEvent): void {
    if (event.type === 'up' || event.type === 'down') this.trustChoice = this.trustChoice === 0 ? 1 : 0;
    else if (event.type === 'text' && ['1', '2'].includes(event.bytes.toString('latin1', 0, 1))) this.chooseTrust(event.bytes[0] === 0x31 ? 0 : 1);
    else if (event.type === 'enter') this.chooseTrust(this.trustChoice);
    else if (event.type === 'escape' || event.type === 'ctrl-c') this.chooseTrust(1);
  }

  private chooseTrust(choice: 0 | 1): void {
    if (choice === 1) {
      this.screen.setLive([]);
      this.screen.print([renderError('Folder not trusted; exiting.', this.screen.width)]);
      return this.exit(1);
    }
    this.mode = 'input';
    this.screen.raw(BRACKETED_PASTE_ON);
  }

  private handleAsk(event: InputEvent): void {
    if (event.type === 'escape') {
      this.mode = 'input';
      return this.turnAbort.abort();
    }
    if (event.type !== 'text') return;
    const key = event.bytes.toString('latin1', 0, 1).toLowerCase();
    if (key !== 'y' && key !== 'n') return;
    const answer = this.answer;
    this.answer = undefined;
    this.mode = 'input';
    answer?.(key === 'y');
  }

  private handleInput(event: InputEvent): void {
    switch (event.type) {
      case 'text':
        this.composer = typeText(this.composer, event.bytes);
        break;
      case 'paste':
        this.composer = addPaste(this.composer, event.bytes);
        this.lastPasteEnd = Date.now();
        break;
      case 'backspace':
        this.composer = backspace(this.composer);
        break;
      case 'enter':
        // Claude Code 2.1 drops an Enter that follows a paste too closely; the guard lets tests prove czar retries.
        if (Date.now() - this.lastPasteEnd < this.options.enterGuardMs) break;
        if (!isEmpty(this.composer)) this.submit();
        break;
      case 'ctrl-d':
        if (isEmpty(this.composer)) this.exit(0);
        break;
      case 'escape':
        if (this.busy !== undefined) this.turnAbort.abort();
        break;
      case 'paste-start':
      case 'ctrl-c':
      case 'up':
      case 'down':
      case 'left':
      case 'right':
        break;
    }
  }

  private ctrlC(): void {
    const now = Date.now();
    if (now - this.ctrlCAt < CTRL_C_WINDOW_MS) return this.exit(0);
    this.ctrlCAt = now;
    this.composer = { ...emptyComposer, pastes: this.composer.pastes };
    setTimeout(() => this.redraw(), CTRL_C_WINDOW_MS + 10).unref();
  }

  private submit(): void {
    const bytes = composedBytes(this.composer);
    const echo = displayText(this.composer);
    this.composer = { ...emptyComposer, pastes: this.composer.pastes };
    // The capture is written in submit order and before the turn starts, so tests see exactly what arrived.
    const captured = (this.captures = this.captures
      .then(async () => void (await writeCapture(this.env.CZAR_SIM_CAPTURE_DIR, this.worker, bytes)))
      .catch((error: unknown) => this.warn(error)));
    this.queued++;
    this.turns = this.turns
      .then(() => captured)
      .then(() => this.runTurn(bytes, echo))
      .catch((error: unknown) => this.fail(error));
  }

  private async runTurn(bytes: Buffer, echo: string): Promise<void> {
    this.queued--;
    if (this.mode === 'exited' || this.mode === 'hung') return;
    this.busy = { verb: 'Thinking', since: Date.now() };
    this.turnAbort = new AbortController();
    const signal = AbortSignal.any([this.lifetime.signal, this.turnAbort.signal]);
    this.screen.print([`> ${echo}`, '']);
    this.redraw();
    await this.report('working', undefined, 'task received');
    const text = bytes.toString('utf8');
    this.prompt = text;
    const parsed = hasDirectives(text) ? parseDirectives(text) : { directives: defaultDirectives(this.worker, text, this.turnsTaken > 0), problems: [] };
    this.turnsTaken++;
    for (const problem of parsed.problems) this.screen.print([renderError(`Ignored ${problem}`, this.screen.width)]);
    for (const directive of parsed.directives) {
      if (signal.aborted) break;
      const next = await this.perform(directive, signal);
      if (next === 'stop') break;
    }
    if (this.lifetime.signal.aborted) return;
    if (this.turnAbort.signal.aborted) {
      this.screen.print([renderNote('⎿  Interrupted by user', this.screen.width)]);
      await this.reporter?.report('idle', { note: 'interrupted by user' }).catch((error: unknown) => this.warn(error));
    } else if (this.turnFailure !== undefined) {
      // A failed turn ends as Claude Code's does: its StopFailure hook, read by the same table czar's hooks use.
      const failed = stateForHook('StopFailure', this.turnFailure);
      this.turnFailure = undefined;
      if (failed !== undefined) await this.reporter?.report(failed.state, { note: failed.note, turnEnd: true, failure: failed.failure }).catch((error: unknown) => this.warn(error));
    } else {
      // Every turn ends with an idle report, even right after "done": Claude Code's Stop hook fires about 0.2 s
      // after the done report its turn ran, and czar must read that as what done looks like.
      await this.reporter?.report('idle', { note: 'turn ended', turnEnd: true }).catch((error: unknown) => this.warn(error));
    }
    this.busy = undefined;
    if (this.mode === 'input') this.screen.print(['']);
    this.redraw();
  }

  private async perform(directive: Directive, signal: AbortSignal): Promise<'next' | 'stop'> {
    try {
      if (directive.kind === 'ask') return await this.ask(directive.question, signal);
      if (directive.kind === 'hang') return await this.hang();
      if (directive.kind === 'api-error') {
        const failure = claudeApiError(directive.status, directive.message);
        this.screen.print([renderError(failure.line, this.screen.width)]);
        this.turnFailure = failure.payload;
        return 'stop';
      }
      if (directive.kind === 'crash') {
        this.screen.setLive([]);
        this.screen.print([renderError(`Error: simulated crash (exit ${directive.code})`, this.screen.width)]);
        this.exit(directive.code);
        return 'stop';
      }
      return await runDirective(directive, this.turnContext(signal));
    } catch (error) {
      if (signal.aborted) return 'stop';
      this.warn(error);
      return 'next';
    }
  }

  private turnContext(signal: AbortSignal): TurnContext {
    return {
      cwd: this.cwd,
      worker: this.worker,
      prompt: this.prompt,
      speed: this.options.speed,
      signal,
      width: this.screen.width,
      reporter: this.reporter,
      print: (lines) => this.screen.print(lines),
      setVerb: (verb) => {
        if (this.busy !== undefined) this.busy.verb = verb;
        this.redraw();
      },
    };
  }

  private async ask(question: string, signal: AbortSignal): Promise<'next' | 'stop'> {
    this.mode = 'ask';
    this.askQuestion = question;
    this.redraw();
    await this.report('waiting', undefined, question);
    const yes = await new Promise<boolean | undefined>((resolve) => {
      this.answer = resolve;
      signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
    this.answer = undefined;
    if (yes === undefined) return 'stop';
    this.screen.print(renderAsk(question, this.screen.width).slice(0, 1).concat([`  ⎿  ${yes ? 'Yes' : 'No'}`]));
    await this.report('working', undefined, `answered ${yes ? 'yes' : 'no'}`);
    return 'next';
  }

  /** Stops drawing and reading for good while staying alive: the wedged agent czar must notice by silence. */
  private async hang(): Promise<'stop'> {
    this.mode = 'hung';
    this.stdin.pause();
    const keepAlive = setInterval(() => undefined, 60_000);
    await new Promise((resolve) => this.lifetime.signal.addEventListener('abort', resolve, { once: true }));
    clearInterval(keepAlive);
    return 'stop';
  }

  private async report(state: 'working' | 'waiting', progress: number | undefined, note: string): Promise<void> {
    await this.reporter?.report(state, { progress, note }).catch((error: unknown) => this.warn(error));
  }

  private tick(): void {
    if (this.mode === 'booting' || this.busy !== undefined) {
      this.frame++;
      this.redraw();
    }
  }

  private redraw(): void {
    if (this.mode === 'hung' || this.mode === 'exited') return;
    const width = this.screen.width;
    switch (this.mode) {
      case 'booting':
        return this.screen.setLive(renderBooting(this.frame));
      case 'trust':
        return this.screen.setLive(renderTrustDialog(this.cwd, this.trustChoice, width));
      case 'ask':
        return this.screen.setLive(renderAsk(this.askQuestion, width));
      case 'input': {
        const busy = this.busy === undefined ? [] : [renderBusyLine(this.frame, this.busy.verb, Math.floor((Date.now() - this.busy.since) / 1000), width), ''];
        return this.screen.setLive([...busy, ...renderInputBox(displayText(this.composer), this.hint(), width)]);
      }
    }
  }

  private hint(): string {
    if (Date.now() - this.ctrlCAt < CTRL_C_WINDOW_MS) return 'Press Ctrl-C again to exit';
    if (this.queued > 0) return `${this.queued} message${this.queued === 1 ? '' : 's'} queued · ? for shortcuts`;
    return '? for shortcuts';
  }

  private every(ms: number, fn: () => void): void {
    this.timers.push(setInterval(fn, ms));
  }

  private warn(error: unknown): void {
    this.screen.print([renderError(`Error: ${error instanceof Error ? error.message : String(error)}`, this.screen.width)]);
  }

  private fail(error: unknown): void {
    if (this.lifetime.signal.aborted) return;
    this.warn(error);
    this.exit(70);
  }

  private exit(code: number): void {
    if (this.mode === 'exited') return;
    this.screen.setLive([]);
    this.mode = 'exited';
    this.lifetime.abort();
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.flushTimer);
    this.screen.raw(BRACKETED_PASTE_OFF + SHOW_CURSOR);
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdout.off('resize', this.onResize);
    if (this.stdin.isTTY) this.stdin.setRawMode(false);
    this.stdin.pause();
    this.finish(code);
  }
}
