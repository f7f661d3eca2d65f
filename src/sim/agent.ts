import { setTimeout as delay } from 'node:timers/promises';
import { isCzarError } from '../domain/model/errors.js';
import {
  addPaste,
  backspace,
  composedBytes,
  displayText,
  emptyComposer,
  isEmpty,
  typeText,
  type Composer,
} from './composer.js';
import { createInputParser, type InputEvent } from './input.js';
import { renderLive, type Mode } from './live-view.js';
import { parseSimOptions, type SimOptions } from './options.js';
import { runSimReview } from './review.js';
import { reporterFromEnv } from './report.js';
import {
  BRACKETED_PASTE_OFF,
  BRACKETED_PASTE_ON,
  HIDE_CURSOR,
  SHOW_CURSOR,
  Screen,
  renderBanner,
  renderError,
} from './screen.js';
import { TurnRunner } from './turn-runner.js';

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
  if (options.review) return runSimReview(process.stdin, process.stdout);
  return new SimAgent(options, process.stdin, process.stdout, process.env, process.cwd()).run();
}

/** Ctrl-C twice within this long exits, like Claude Code. */
const CTRL_C_WINDOW_MS = 2000;
const SPINNER_MS = 120;
/** A lone ESC with nothing after it for this long was the Escape key, not the start of a sequence. */
const ESC_FLUSH_MS = 50;

/** The agent's process: the tty, the keys in each mode, the live region and the way out; turns run in TurnRunner. */
class SimAgent {
  private readonly screen: Screen;
  private readonly parser = createInputParser();
  private readonly worker: string;
  private readonly lifetime = new AbortController();
  private readonly runner: TurnRunner;
  private mode: Mode = 'booting';
  private composer: Composer = emptyComposer;
  private trustChoice: 0 | 1 = 1;
  private frame = 0;
  private lastPasteEnd = -Infinity;
  private ctrlCAt = -Infinity;
  private askQuestion = '';
  private timers: NodeJS.Timeout[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private finish: (code: number) => void = () => undefined;

  constructor(
    private readonly options: SimOptions,
    private readonly stdin: NodeJS.ReadStream,
    private readonly stdout: NodeJS.WriteStream,
    env: NodeJS.ProcessEnv,
    private readonly cwd: string,
  ) {
    this.screen = new Screen(stdout);
    const reporter = options.noReport ? undefined : reporterFromEnv(env);
    this.worker = env.CZAR_WORKER !== undefined && env.CZAR_WORKER !== '' ? env.CZAR_WORKER : 'sim';
    const setup = {
      cwd,
      worker: this.worker,
      speed: options.speed,
      captureDir: env.CZAR_SIM_CAPTURE_DIR,
      screen: this.screen,
      reporter,
      lifetime: this.lifetime.signal,
    };
    this.runner = new TurnRunner(setup, {
      mode: () => this.mode,
      ask: (question) => {
        this.mode = 'ask';
        this.askQuestion = question;
      },
      hang: () => {
        this.mode = 'hung';
        this.stdin.pause();
      },
      redraw: () => this.redraw(),
      warn: (error) => this.warn(error),
      fail: (error) => this.fail(error),
      exit: (code) => this.exit(code),
    });
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
    else if (event.type === 'text' && ['1', '2'].includes(event.bytes.toString('latin1', 0, 1)))
      this.chooseTrust(event.bytes[0] === 0x31 ? 0 : 1);
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
      return this.runner.interrupt();
    }
    if (event.type !== 'text') return;
    const key = event.bytes.toString('latin1', 0, 1).toLowerCase();
    if (key !== 'y' && key !== 'n') return;
    this.mode = 'input';
    this.runner.answer(key === 'y');
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
        if (this.runner.busy !== undefined) this.runner.interrupt();
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
    this.runner.submit(bytes, echo);
  }

  private tick(): void {
    if (this.mode === 'booting' || this.runner.busy !== undefined) {
      this.frame++;
      this.redraw();
    }
  }

  private redraw(): void {
    const now = Date.now();
    const live = renderLive(
      {
        mode: this.mode,
        frame: this.frame,
        cwd: this.cwd,
        trustChoice: this.trustChoice,
        question: this.askQuestion,
        busy: this.runner.busy,
        input: displayText(this.composer),
        exitPending: now - this.ctrlCAt < CTRL_C_WINDOW_MS,
        queued: this.runner.queued,
      },
      this.screen.width,
      now,
    );
    if (live !== undefined) this.screen.setLive(live);
  }

  private every(ms: number, fn: () => void): void {
    this.timers.push(setInterval(fn, ms));
  }

  private warn(error: unknown): void {
    this.screen.print([
      renderError(`Error: ${error instanceof Error ? error.message : String(error)}`, this.screen.width),
    ]);
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
