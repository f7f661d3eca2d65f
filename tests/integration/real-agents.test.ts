import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { presetFor } from '../../src/agents/index.js';
import type { AgentPreset } from '../../src/agents/preset.js';
import type { Tmux } from '../../src/adapters/tmux.js';
import { deliverPrompt } from '../../src/delivery/delivery.js';
import { tempDir, tempRepo } from '../helpers/git-repo.js';
import {
  REAL_AGENT_TIMEOUT_SCALE as scale,
  realAgentBin,
  realAgentsMissing,
  type RealAgent,
} from '../helpers/real-agents.js';
import { privateTmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

// Delivery only: each real CLI in a private tmux server with a throwaway HOME and a dummy key; nothing reaches an
// API (the supervision scenarios with a scripted model are in real-agents-<agent>.test.ts).
const missing = realAgentsMissing;

const TASK = [
  'This is a czar delivery test; reply with the single word OK.',
  'Line two carries "quotes", $(not a command) and `backticks`.',
  'Line three ends the task.',
].join('\n');

/**
 * A stand-in for `czar report --hook <Event>`: appends its arguments and stdin to a log, prints nothing, exits 0.
 * Presets call `<czarCommand> report --hook <Event>`, so this script is the czarCommand.
 */
async function hookRecorder(dir: string): Promise<{ command: string[]; log: string }> {
  const log = path.join(dir, 'hooks.log');
  const script = path.join(dir, 'hook.sh');
  await writeFile(script, `#!/bin/sh\n{ echo "== $*"; cat; echo; } >> '${log}'\nexit 0\n`);
  await chmod(script, 0o755);
  return { command: [script], log };
}

/**
 * Starts the real CLI in the repo, in a pane of its own private tmux server, set up by its preset as the launcher
 * does it (setup files written, extra args and env added), with `env` on top: its HOME and dummy key.
 */
async function startRealCli(
  agent: RealAgent,
  options: { repo: string; settingsDir: string; czarCommand: string[]; env: Record<string, string> },
): Promise<{ preset: AgentPreset; tmux: Tmux; paneId: string }> {
  const preset = presetFor(agent);
  const setup = preset.setup({
    worker: `real-${agent}`,
    settingsDir: options.settingsDir,
    czarCommand: options.czarCommand,
    worktree: options.repo,
  });
  for (const file of setup.files) await writeFile(file.path, file.content);
  const tmux = privateTmux();
  const paneId = await tmux.newSession({
    name: agent,
    cwd: options.repo,
    argv: [realAgentBin(agent), ...setup.args],
    env: { ...setup.env, ...options.env },
    width: 120,
    height: 40,
  });
  return { preset, tmux, paneId };
}

const hookEvents = async (log: string): Promise<string[]> =>
  existsSync(log)
    ? (await readFile(log, 'utf8'))
        .split('\n')
        .filter((line) => line.startsWith('== '))
        .map((line) => line.split(' ').at(-1) ?? '')
    : [];

/** The session's start hook fired, its prompt hook `submitEvent` exactly once, and that hook was handed the whole task. */
async function expectHooksSawTaskOnce(log: string, fired: readonly string[], submitEvent: string): Promise<void> {
  expect(fired).toContain('SessionStart');
  expect(fired.filter((event) => event === submitEvent)).toHaveLength(1);
  // The hook writes its event line before its payload: wait for the payload rather than read it half-written.
  const task = JSON.stringify(TASK).slice(1, -1);
  await waitFor(async () => (await readFile(log, 'utf8')).includes(task), { what: 'the prompt hook handed the task' });
}

describe.skipIf(missing('claude') !== '')(`real Claude Code${missing('claude')}`, () => {
  it(
    'answers the workspace trust dialog on purpose and submits a multi-line task exactly once',
    async () => {
      const { repo } = await tempRepo();
      const home = await tempDir('czar-home-');
      const settingsDir = await tempDir('czar-settings-');
      const key = 'sk-ant-api03-czar-test-dummy-key-0123456789abcdefghij';
      // Skips onboarding and pre-approves the dummy key (Claude stores the last 20 characters), but not the folder.
      await writeFile(
        path.join(home, '.claude.json'),
        JSON.stringify({ hasCompletedOnboarding: true, customApiKeyResponses: { approved: [key.slice(-20)] } }),
      );
      const hooks = await hookRecorder(settingsDir);
      const { preset, tmux, paneId } = await startRealCli('claude', {
        repo,
        settingsDir,
        czarCommand: hooks.command,
        env: { HOME: home, ANTHROPIC_API_KEY: key, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
      });
      const events: string[] = [];
      const result = await deliverPrompt(tmux, paneId, TASK, preset, {
        worker: 'real-claude',
        timeoutScale: scale,
        onEvent: (kind, message) => events.push(`${kind}: ${message}`),
        submittedBySelfReport: async () => (await hookEvents(hooks.log)).includes('UserPromptSubmit'),
      });
      expect(result.dialogsAnswered).toEqual(['claude-trust']);

      // The transcript under the throwaway HOME records the prompt exactly once, verbatim.
      const projects = path.join(home, '.claude', 'projects');
      const prompts = await waitFor(
        async () => {
          const found: string[] = [];
          for (const folder of existsSync(projects) ? await readdir(projects) : []) {
            for (const file of (await readdir(path.join(projects, folder))).filter((name) => name.endsWith('.jsonl'))) {
              for (const line of (await readFile(path.join(projects, folder, file), 'utf8')).split('\n')) {
                if (line.trim() === '') continue;
                const entry = JSON.parse(line) as { type?: string; message?: { content?: unknown } };
                if (
                  entry.type === 'user' &&
                  JSON.stringify(entry.message?.content ?? '').includes('czar delivery test')
                )
                  found.push(JSON.stringify(entry.message?.content));
              }
            }
          }
          return found.length > 0 ? found : undefined;
        },
        { timeoutMs: 15_000, what: 'the prompt in the Claude transcript' },
      );
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toContain(JSON.stringify(TASK).slice(1, -1));

      await expectHooksSawTaskOnce(hooks.log, await hookEvents(hooks.log), 'UserPromptSubmit');
    },
    60_000 * scale,
  );
});

describe.skipIf(missing('gemini') !== '')(`real Gemini CLI${missing('gemini')}`, () => {
  it(
    'answers folder trust and API-key screens on purpose, runs czar hooks from a system settings file, and submits once',
    async () => {
      const { repo } = await tempRepo();
      const home = await tempDir('czar-home-');
      // Gemini ignores a system settings file below a group- or world-writable folder such as /tmp, so this one
      // lives in a private folder under the real home, removed afterwards.
      const settingsDir = await mkdtemp(path.join(homedir(), '.czar-test-gemini-'));
      onTestFinished(() => rm(settingsDir, { recursive: true, force: true }));
      await mkdir(settingsDir, { recursive: true, mode: 0o700 });
      const hooks = await hookRecorder(settingsDir);
      const { preset, tmux, paneId } = await startRealCli('gemini', {
        repo,
        settingsDir,
        czarCommand: hooks.command,
        env: { HOME: home, GEMINI_API_KEY: 'czar-test-dummy-gemini-key' },
      });
      const result = await deliverPrompt(tmux, paneId, TASK, preset, {
        worker: 'real-gemini',
        timeoutScale: scale,
        submittedBySelfReport: async () => (await hookEvents(hooks.log)).includes('BeforeAgent'),
      });
      expect(result.dialogsAnswered).toEqual(['gemini-trust', 'gemini-auth-api-key', 'gemini-api-key-entry']);
      const fired = await waitFor(
        async () => {
          const seen = await hookEvents(hooks.log);
          return seen.includes('BeforeAgent') ? seen : undefined;
        },
        { timeoutMs: 10_000, what: 'the BeforeAgent hook' },
      );
      await expectHooksSawTaskOnce(hooks.log, fired, 'BeforeAgent');
    },
    60_000 * scale,
  );
});

describe.skipIf(missing('codex') !== '')(`real Codex CLI${missing('codex')}`, () => {
  it(
    'stops at the sign-in screen with a one-sentence fix, and accepts the notify override',
    async () => {
      const { repo } = await tempRepo();
      const home = await tempDir('czar-home-');
      const settingsDir = await tempDir('czar-settings-');
      const { preset, tmux, paneId } = await startRealCli('codex', {
        repo,
        settingsDir,
        czarCommand: ['/bin/true'],
        env: { HOME: home, OPENAI_API_KEY: 'sk-czar-test-dummy' },
      });
      await expect(
        deliverPrompt(tmux, paneId, TASK, preset, { worker: 'real-codex', timeoutScale: scale }),
      ).rejects.toThrow(
        'Worker "real-codex" cannot start: Codex is showing its sign-in screen; run "codex login" in a normal terminal first (or configure a model provider in its config.toml), then start the worker again.',
      );
    },
    60_000 * scale,
  );
});
