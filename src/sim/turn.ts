import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { claudeProjectDir } from '../agents/transcripts.js';
import type { Directive } from './directives.js';
import { mergeKeepingBoth } from './merge.js';
import { spawnChild } from './spawn.js';
import type { SimReporter } from './report.js';
import { renderNote, renderStep } from './screen.js';
import { stepCount, workSteps } from './work.js';

/** What a directive may touch: the worktree, the reporter, the transcript and the spinner verb. */
export interface TurnContext {
  readonly cwd: string;
  readonly worker: string;
  /** The prompt of this turn, as it arrived. */
  readonly prompt: string;
  readonly speed: number;
  /** Aborted when the agent exits: every wait ends with it. */
  readonly signal: AbortSignal;
  readonly width: number;
  readonly reporter: SimReporter | undefined;
  print(lines: readonly string[]): void;
  setVerb(verb: string): void;
}

/** Directives the agent loop handles itself, because they change its mode or end the process. */
type LoopDirective = Extract<Directive, { kind: 'ask' | 'hang' | 'crash' | 'api-error' }>;

/** Runs one directive; 'stop' ends the turn (the agent goes back to its input box). */
export async function runDirective(
  directive: Exclude<Directive, LoopDirective>,
  context: TurnContext,
): Promise<'next' | 'stop'> {
  const { print, width } = context;
  switch (directive.kind) {
    case 'work':
      await work(directive.seconds, directive.label, context);
      return 'next';
    case 'write':
    case 'append': {
      const file = path.resolve(context.cwd, directive.path);
      await mkdir(path.dirname(file), { recursive: true });
      if (directive.kind === 'write') await writeFile(file, directive.text);
      else await appendFile(file, directive.text);
      const lines = directive.text.split('\n').length;
      print(
        renderStep(
          `${directive.kind === 'write' ? 'Write' : 'Update'}(${directive.path})`,
          `${directive.kind === 'write' ? 'Wrote' : 'Appended'} ${lines} line${lines === 1 ? '' : 's'} to ${directive.path}`,
          width,
        ),
      );
      return 'next';
    }
    case 'commit':
      print(
        renderStep(`Bash(git commit -m "${directive.message}")`, await commit(context.cwd, directive.message), width),
      );
      return 'next';
    case 'merge':
      print(
        renderStep(`Bash(git merge ${directive.branch})`, await mergeKeepingBoth(context.cwd, directive.branch), width),
      );
      return 'next';
    case 'spawn':
      print(
        renderStep(
          `Bash(czar spawn ${directive.child})`,
          await spawnChild(context.cwd, directive.child, directive.task),
          width,
        ),
      );
      return 'next';
    case 'report':
      await context.reporter?.report(directive.state, { progress: directive.progress, note: directive.note });
      print([
        renderNote(
          `reported ${directive.state}${directive.progress === undefined ? '' : ` ${directive.progress}%`}${directive.note === undefined ? '' : `: ${directive.note}`}`,
          width,
        ),
      ]);
      return 'next';
    case 'checkpoint':
      print(
        renderStep(
          `Bash(czar report --checkpoint ${directive.which})`,
          await checkpoint(context.cwd, directive.which),
          width,
        ),
      );
      return 'next';
    case 'run': {
      const ran = await runShell(directive.command, context.cwd);
      print(renderStep(`Bash(${directive.command.split('\n')[0] ?? ''})`, ran, width));
      return 'next';
    }
    case 'result': {
      const file = await context.reporter?.writeResult(directive.text);
      print(
        renderStep(
          `Write(${file ?? 'result'})`,
          file === undefined ? 'Not saved: CZAR_STATE_DIR or CZAR_WORKER is unset' : 'Wrote the result summary',
          width,
        ),
      );
      return 'next';
    }
    case 'usage': {
      await recordUsage(context.cwd, directive);
      print(
        renderStep('Thinking', `${directive.input} tokens in, ${directive.output} out (${directive.model})`, width),
      );
      return 'next';
    }
    case 'record':
      await appendTranscript(
        context.cwd,
        JSON.stringify({
          type: 'user',
          sessionId: SESSION,
          timestamp: new Date().toISOString(),
          message: { role: 'user', content: directive.altered ? alter(context.prompt) : context.prompt },
        }),
      );
      return 'next';
    case 'quiet':
      print(['⏺ I made good progress; I will stop here for now.']);
      return 'stop';
    case 'done':
      await context.reporter?.report('done', { progress: 100, note: directive.note });
      print([`⏺ Done.${directive.note === undefined ? '' : ` ${directive.note}`}`]);
      return 'stop';
  }
}

/** Believable progress for `seconds` (times --speed): steps spread evenly, each printed when it finishes. */
async function work(seconds: number, label: string, context: TurnContext): Promise<void> {
  const count = stepCount(seconds);
  const steps = workSteps(label, await sampleFiles(context.cwd), count, context.worker);
  const stepMs = (seconds * 1000 * context.speed) / count;
  if (label.trim() !== '') context.print([`⏺ I'll work on ${label.trim()}.`]);
  for (const step of steps) {
    context.setVerb(step.verb);
    await delay(stepMs, undefined, { signal: context.signal });
    context.print(renderStep(step.title, step.outcome, context.width));
  }
}

/** Runs `czar report --checkpoint` from the worktree; returns its outcome as a terminal would show it. */
async function checkpoint(cwd: string, which: string): Promise<string> {
  const { run } = await import('../adapters/process.js');
  const result = await run('czar', ['report', '--checkpoint', which], { cwd, allowFailure: true });
  const said = `${result.stderr}\n${result.stdout}`.trim().split('\n')[0];
  return result.exitCode === 0 ? `Reported checkpoint ${which}` : `Refused: ${said ?? `exit ${result.exitCode}`}`;
}

/** `git add -A` and commit as czar-sim; returns the line a terminal would show (or why nothing was committed). */
async function commit(cwd: string, message: string): Promise<string> {
  // Loaded on first commit: execa costs ~200 ms of startup, and a fleet of sims should reach its input box fast.
  const { git } = await import('../adapters/git.js');
  const identity = ['-c', 'user.name=czar-sim', '-c', 'user.email=sim@czar.invalid', '-c', 'commit.gpgsign=false'];
  await git(cwd, [...identity, 'add', '-A']);
  const result = await git(cwd, [...identity, 'commit', '--quiet', '-m', message], { allowFailure: true });
  if (result.exitCode !== 0) {
    const reason = `${result.stdout}\n${result.stderr}`
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '');
    return `Nothing committed: ${reason ?? `git exited with ${result.exitCode}`}`;
  }
  const head = await git(cwd, ['log', '-1', '--format=%h %s'], { allowFailure: true });
  return `[${head.stdout.trim()}]`;
}

/** A few real file names from the worktree (shallow, bounded), so the progress output names files that exist. */
async function sampleFiles(cwd: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    const entries = await readdir(path.join(cwd, dir), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (found.length >= 40) return;
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist') continue;
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isFile()) found.push(relative);
      else if (entry.isDirectory() && depth < 3) await walk(relative, depth + 1);
    }
  }
  await walk('', 0);
  return found;
}

const SESSION = randomUUID();
let messages = 0;

/**
 * Appends a model call to a transcript where Claude Code keeps its own (`<config dir>/projects/<cwd>/<session>.jsonl`),
 * written the way Claude Code writes a message with two content blocks: two lines with the same message id.
 */
async function recordUsage(cwd: string, directive: Extract<Directive, { kind: 'usage' }>): Promise<void> {
  messages += 1;
  const usage = {
    input_tokens: directive.input,
    output_tokens: directive.output,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  const line = (block: string): string =>
    JSON.stringify({
      type: 'assistant',
      sessionId: SESSION,
      requestId: `req_sim_${messages}`,
      timestamp: new Date().toISOString(),
      message: { id: `msg_sim_${SESSION}_${messages}`, model: directive.model, content: [{ type: block }], usage },
    });
  await appendTranscript(cwd, `${line('text')}\n${line('tool_use')}`);
}

/** Appends lines to this session's transcript, where Claude Code keeps it. */
async function appendTranscript(cwd: string, lines: string): Promise<void> {
  const configDir = process.env.CLAUDE_CONFIG_DIR ?? path.join(process.env.HOME ?? '', '.claude');
  const dir = claudeProjectDir(configDir, cwd);
  await mkdir(dir, { recursive: true });
  await appendFile(path.join(dir, `${SESSION}.jsonl`), `${lines}\n`);
}

/** The prompt with its last non-empty line changed, as an agent would record text that arrived garbled. */
function alter(prompt: string): string {
  const lines = prompt.split('\n');
  const last = lines.findLastIndex((line) => line.trim() !== '');
  if (last >= 0) lines[last] = `${lines[last] ?? ''} (garbled)`;
  return lines.join('\n');
}

/** Runs a command with `sh -c` as a shell tool does; its output (and exit status when not 0), at most 2000 characters. */
async function runShell(command: string, cwd: string): Promise<string> {
  // Loaded here: the sim starts without execa (its start-up is what the launch benchmark measures).
  const { run } = await import('../adapters/process.js');
  const result = await run('sh', ['-c', command], { cwd, allowFailure: true, timeoutMs: 60_000 });
  const status = result.exitCode === 0 ? '' : `\n(exit ${result.exitCode})`;
  return `${result.stdout}${result.stderr}${status}`.trim().slice(-2000) || '(no output)';
}
