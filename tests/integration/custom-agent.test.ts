import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A terminal agent czar has no preset for: it asks to accept a licence (y, then Enter), loads for two seconds with
 * its screen still and bracketed paste already on, then draws its own prompt. What it is sent before the prompt
 * shows is recorded as early, so only czar.yaml's own `ready` pattern gets the task to it whole and in time.
 */
const MYBOT = `
const { appendFileSync } = require('node:fs');
const log = process.env.MYBOT_LOG;
let phase = 'licence';
let input = '';
let early = false;
process.stdin.setRawMode(true);
process.stdout.write('\\x1b[?2004hAccept the licence? [y/N] ');
process.stdin.on('data', (chunk) => {
  let text = chunk.toString('utf8');
  if (phase === 'licence') {
    if (text.includes('y')) input = 'y';
    if (text.includes('\\r') && input === 'y') {
      phase = 'loading';
      input = '';
      process.stdout.write('y\\r\\nloading...\\r\\n');
      setTimeout(() => { phase = 'ready'; process.stdout.write('mybot> '); }, 2000);
    }
    return;
  }
  if (phase !== 'ready') early = true;
  text = text.replace(/\\x1b\\[20[01]~/g, '');
  for (const char of text) {
    if (char === '\\r' && phase === 'ready' && input !== '') {
      appendFileSync(log, JSON.stringify({ early, text: input }) + '\\n');
      input = '';
      process.stdout.write('\\r\\nthinking...\\r\\nmybot> ');
    } else if (char !== '\\r') {
      input += char;
      process.stdout.write(char === '\\n' ? '\\r\\n' : char);
    }
  }
});
`;

describe('an agent described in czar.yaml, in a real pane', () => {
  it('gets its dialog answered with the keys czar.yaml gives, and its task only once its own prompt shows', async () => {
    const task = 'Tidy the README.\nKeep the title.';
    const fx = await fleetFixture({
      workers: [{ name: 'tidy', task, agent: 'mybot' }],
      agents: (root) => ({
        mybot: {
          command: process.execPath,
          args: [path.join(root, 'mybot.cjs')],
          env: { MYBOT_LOG: path.join(root, 'mybot.jsonl') },
          ready: '^mybot> $',
          busy: '^thinking',
          dialogs: [{ match: 'Accept the licence\\? \\[y/N\\] *$', keys: ['y', 'Enter'], why: 'the licence is ours' }],
        },
      }),
    });
    await writeFile(path.join(fx.root, 'mybot.cjs'), MYBOT);
    await fx.launchWave();
    const received = await waitFor(
      async () => (await readFile(path.join(fx.root, 'mybot.jsonl'), 'utf8').catch(() => '')).trim() || undefined,
      { what: 'mybot to record its task' },
    );
    const records = received.split('\n').map((line) => JSON.parse(line) as { early: boolean; text: string });
    expect(records.map((record) => record.early)).toEqual([false]);
    // An agent czar has no preset for is briefed as any agent is: the preamble, then its task whole.
    expect(records[0]?.text).toContain('You are worker tidy');
    expect(records[0]?.text).toContain('czar report --task tidy');
    expect(records[0]?.text).toContain(task);
    const dialogs = (await fx.events()).filter((event) => event.kind === 'dialog' && event.worker === 'tidy');
    expect(dialogs.map((event) => event.message)).toEqual(['answered czar-yaml-1 with y Enter: the licence is ours']);
  });
});
