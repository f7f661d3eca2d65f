import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { LOG_HEAD_BYTES, LOG_TAIL_BYTES } from '../../src/adapters/check-log.js';
import { reapRun } from '../../src/adapters/check-processes.js';
import { boundTail, runCheck, TAIL_BYTES, TAIL_LINES } from '../../src/adapters/checks.js';
import { PACKAGE_ROOT } from '../helpers/fleet-fixture.js';
import { tempDir } from '../helpers/git-repo.js';
import { alive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

async function setup(): Promise<{ cwd: string; logFile: string }> {
  const cwd = await tempDir('czar-check-');
  return { cwd, logFile: path.join(cwd, 'logs', 'w1', 'abc123.log') };
}

describe('runCheck', () => {
  it('runs a command line through the shell and reports a pass with its output', async () => {
    const { cwd, logFile } = await setup();
    const result = await runCheck({
      name: 'greet',
      run: 'echo "hello $WHO" && pwd',
      cwd,
      timeoutMs: 10_000,
      logFile,
      env: { WHO: 'czar' },
    });
    expect(result).toMatchObject({ name: 'greet', ok: true, exitCode: 0, timedOut: false, logFile });
    expect(result.tail).toBe(`hello czar\n${cwd}`);
    expect(await readFile(logFile, 'utf8')).toBe(`$ greet: echo "hello $WHO" && pwd\nhello czar\n${cwd}\n`);
  });

  it("reports a failing exit code and only this check's last lines when checks share a log", async () => {
    const { cwd, logFile } = await setup();
    await runCheck({ name: 'first', run: 'echo from-the-first-check', cwd, timeoutMs: 10_000, logFile });
    const result = await runCheck({
      name: 'count',
      run: 'for i in $(seq 1 100); do echo line $i; done; echo oops >&2; exit 3',
      cwd,
      timeoutMs: 10_000,
      logFile,
    });
    expect(result).toMatchObject({ ok: false, exitCode: 3, timedOut: false });
    const lines = result.tail.split('\n');
    expect(lines).toHaveLength(TAIL_LINES);
    expect(lines.at(-1)).toBe('oops');
    expect(lines[0]).toBe('line 62');
    expect(result.tail).not.toContain('from-the-first-check');
  });

  it('kills the whole process group on timeout, background children included', async () => {
    const { cwd, logFile } = await setup();
    const pidFile = path.join(cwd, 'child.pid');
    const result = await runCheck({
      name: 'hang',
      run: `sleep 60 & echo $! > ${pidFile}; echo started; sleep 60`,
      cwd,
      timeoutMs: 300,
      logFile,
    });
    expect(result).toMatchObject({ ok: false, exitCode: undefined, timedOut: true });
    expect(result.tail).toContain('started');
    expect(result.tail).toContain('after its timeout');
    const child = Number((await readFile(pidFile, 'utf8')).trim());
    expect(child).toBeGreaterThan(0);
    await waitFor(async () => !(await alive(child)), { what: `background child ${child} to be killed` });
  });

  it('kills a daemon the check forked into a session of its own (setsid), not only its process group', async () => {
    const { cwd, logFile } = await setup();
    const pidFile = path.join(cwd, 'daemon.pid');
    const result = await runCheck({
      name: 'daemon',
      run: `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 60' > /dev/null 2>&1 & while [ ! -s ${pidFile} ]; do :; done; echo forked`,
      cwd,
      timeoutMs: 10_000,
      logFile,
    });
    expect(result.ok).toBe(true);
    const daemon = Number((await readFile(pidFile, 'utf8')).trim());
    expect(daemon).toBeGreaterThan(0);
    await waitFor(async () => !(await alive(daemon)), { what: `the setsid daemon ${daemon} to be killed` });
  });

  it('a run its czar did not live to finish (SIGKILL) is found by its record and killed, daemons included', async () => {
    const { cwd, logFile } = await setup();
    const runFile = path.join(cwd, 'run.json');
    const shellPid = path.join(cwd, 'shell.pid');
    const daemonPid = path.join(cwd, 'daemon.pid');
    const run = `echo $$ > ${shellPid}; setsid sh -c 'echo $$ > ${daemonPid}; exec sleep 60' > /dev/null 2>&1 & sleep 60`;
    const script = `const { runCheck } = await import(${JSON.stringify(path.join(PACKAGE_ROOT, 'dist', 'adapters', 'checks.js'))}); await runCheck(${JSON.stringify({ name: 'orphan', run, cwd, timeoutMs: 600_000, logFile, runFile })});`;
    const czar = execa(process.execPath, ['--input-type=module', '-e', script], { reject: false });
    const read = async (file: string): Promise<number | undefined> =>
      Number((await readFile(file, 'utf8').catch(() => '')).trim()) || undefined;
    const [shell, daemon] = await waitFor(
      async () => {
        const pids = [await read(shellPid), await read(daemonPid)];
        return pids.every((pid) => pid !== undefined) && existsSync(runFile) ? (pids as number[]) : undefined;
      },
      { what: 'the check and its daemon to start' },
    );
    czar.kill('SIGKILL');
    await czar;
    // The czar is gone; its check is not.
    expect(await alive(shell ?? 0)).toBe(true);
    expect(await alive(daemon ?? 0)).toBe(true);
    expect(JSON.parse(await readFile(runFile, 'utf8'))).toMatchObject({ cwd, czarPid: czar.pid });

    await reapRun(runFile);
    expect(await alive(shell ?? 0)).toBe(false);
    expect(await alive(daemon ?? 0)).toBe(false);
    expect(existsSync(runFile)).toBe(false);
  });

  it('a run is on record before its command starts, so a czar killed at any moment leaves it findable', async () => {
    const { cwd, logFile } = await setup();
    const runFile = path.join(cwd, 'run.json');
    // The command's first act reads the record; a record written after the spawn races it.
    for (let round = 0; round < 10; round += 1) {
      const result = await runCheck({
        name: 'first',
        run: `cat ${runFile}`,
        cwd,
        timeoutMs: 10_000,
        logFile,
        runFile,
        fresh: true,
      });
      expect(result.ok, `round ${round}: ${result.tail}`).toBe(true);
      expect(JSON.parse(result.tail)).toMatchObject({ cwd, marker: expect.any(String) });
    }
  });

  it('keeps the head and the tail of a huge output and says what it cut; a fresh run starts a new log', async () => {
    const { cwd, logFile } = await setup();
    // About 8 MB: far past the log's bound.
    const result = await runCheck({
      name: 'chatty',
      run: 'echo first-line; seq 1 1000000; echo last-line; exit 1',
      cwd,
      timeoutMs: 30_000,
      logFile,
    });
    expect(result).toMatchObject({ ok: false, exitCode: 1 });
    expect(result.tail.split('\n').at(-1)).toBe('last-line');
    const text = await readFile(logFile, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(LOG_HEAD_BYTES + LOG_TAIL_BYTES + 1024);
    expect(text.startsWith('$ chatty: echo first-line')).toBe(true);
    expect(text).toContain('\nfirst-line\n1\n2\n');
    expect(text).toMatch(/czar cut \d+ bytes of this check's output here/);
    expect(text.endsWith('999999\n1000000\nlast-line\n')).toBe(true);

    await runCheck({ name: 'again', run: 'echo rerun', cwd, timeoutMs: 10_000, logFile, fresh: true });
    expect(await readFile(logFile, 'utf8')).toBe('$ again: echo rerun\nrerun\n');
    expect((await stat(logFile)).size).toBeLessThan(100);
  });

  it('stops when its signal aborts', async () => {
    const { cwd, logFile } = await setup();
    const controller = new AbortController();
    const running = runCheck({
      name: 'long',
      run: 'echo go; sleep 60',
      cwd,
      timeoutMs: 60_000,
      logFile,
      signal: controller.signal,
    });
    await waitFor(async () => (await readFile(logFile, 'utf8').catch(() => '')).includes('go'), {
      what: 'the check to start',
    });
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ ok: false, exitCode: undefined, timedOut: false });
  });

  it('makes control characters in the output visible', async () => {
    const { cwd, logFile } = await setup();
    const result = await runCheck({
      name: 'ansi',
      run: String.raw`printf '\033[31mred\033[0m\n\033]0;title\007'`,
      cwd,
      timeoutMs: 10_000,
      logFile,
    });
    expect(result.ok).toBe(true);
    expect(result.tail).toBe('\u241b[31mred\u241b[0m\n\u241b]0;title\u2407');
  });

  it('fails with a readable reason when its folder is missing', async () => {
    const { cwd, logFile } = await setup();
    const result = await runCheck({
      name: 'nowhere',
      run: 'true',
      cwd: path.join(cwd, 'missing'),
      timeoutMs: 10_000,
      logFile,
    });
    expect(result).toMatchObject({ ok: false, exitCode: undefined, timedOut: false });
    expect(result.tail).toContain(`could not start`);
    expect(result.tail).toContain(path.join(cwd, 'missing'));
  });
});

describe('boundTail', () => {
  it('keeps the last drawing of a line redrawn with CR', () => {
    expect(boundTail('progress 10%\rprogress 100%\ndone\n')).toBe('progress 100%\ndone');
  });

  it('bounds the bytes of very long lines', () => {
    const tail = boundTail(`${'x'.repeat(10_000)}\nend`);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(TAIL_BYTES + 3);
    expect(tail.startsWith('…')).toBe(true);
    expect(tail.endsWith('\nend')).toBe(true);
  });
});
