import { mkdir, readdir, readFile, writeFile, chmod, mkdtemp } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { presetFor } from '../../src/agents/index.js';
import { startModelEndpoint } from '../helpers/model-endpoint.js';
import { REAL_AGENT_BUILDERS, type RealAgent } from '../helpers/real-agents.js';
import { tempRepo } from '../helpers/git-repo.js';
import { privateTmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

const agent = (process.env.PROBE_AGENT ?? 'claude') as RealAgent;
const out = `/tmp/ra/${agent}`;
const prompts = (process.env.PROBE_PROMPTS ?? 'RUN: echo hi > a.txt').split('||');

it('probe', async () => {
  await mkdir(`${out}/hooks`, { recursive: true });
  await mkdir(`${out}/screens`, { recursive: true });
  const endpoint = await startModelEndpoint();
  const { repo } = await tempRepo();
  const real = await REAL_AGENT_BUILDERS[agent](endpoint);
  const settingsDir = await mkdtemp(path.join(homedir(), '.czar-probe-'));
  await chmod(settingsDir, 0o700);
  const rec = path.join(settingsDir, 'rec.sh');
  await writeFile(rec, `#!/bin/sh\nn=$(ls '${out}/hooks' | wc -l)\nev="$3"\n{ if [ -n "$4" ]; then printf '%s' "$4"; else cat; fi; } > '${out}/hooks/'$(printf %03d $n)-$ev.json\nexit 0\n`);
  await chmod(rec, 0o755);
  const preset = presetFor(agent);
  const setup = preset.setup({ worker: 'w1', settingsDir, czarCommand: [rec], worktree: repo });
  for (const f of setup.files) await writeFile(f.path, f.content);
  const args = [...real.args, ...setup.args, ...(process.env.PROBE_ARGS ? process.env.PROBE_ARGS.split(' ') : [])];
  const tmux = privateTmux();
  const pane = await tmux.newSession({ name: agent, cwd: repo, argv: [real.command, ...args], env: { ...real.env, ...setup.env }, width: 120, height: 40 });
  let shot = 0;
  const snap = async (label: string) => { await writeFile(`${out}/screens/${String(shot++).padStart(2, '0')}-${label}.txt`, await tmux.capture(pane)); };
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (let i = 0; i < 8; i++) { await wait(1500); await snap('start'); }
  for (const p of prompts) {
    if (p.startsWith('KEYS:')) { await tmux.sendKeys(pane, p.slice(5).split(' ')); await wait(2000); await snap('keys'); continue; }
    await tmux.paste(pane, p.replaceAll('\\n', '\n'));
    await wait(2500);
    await snap('pasted');
    await tmux.sendKeys(pane, ['Enter']);
    for (let i = 0; i < 6; i++) { await wait(1500); await snap('after'); }
  }
  await writeFile(`${out}/requests.json`, JSON.stringify(endpoint.requests, null, 1));
  console.log(await readdir(`${out}/hooks`), repo);
}, 300_000);
