import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESETS, presetFor } from '../../src/agents/index.js';
import type { AgentPreset } from '../../src/agents/preset.js';
import { hookShellCommand } from '../../src/agents/hook-settings.js';
import { pasteMarkers, showsPaste } from '../../src/delivery/delivery-steps.js';
import { PRESET_NAMES } from '../../src/domain/model/config-types.js';

// Real screens captured with `capture-pane -p -J` from Claude Code 2.1.197, Gemini CLI 0.61.0, Codex 0.169.0, Qwen Code,
// pi and OpenCode 1.18.33.
const screen = (name: string): string =>
  readFileSync(new URL(`../fixtures/screens/${name}.txt`, import.meta.url), 'utf8');
const dialogIds = (preset: AgentPreset, text: string): string[] =>
  preset.dialogs.filter((d) => d.match.test(text)).map((d) => d.id);
const fatal = (preset: AgentPreset, text: string): string | undefined =>
  preset.fatal.find((f) => f.match.test(text))?.message;

const context = {
  worker: 'w1',
  settingsDir: '/state/agents/w1',
  czarCommand: ['/usr/bin/node', '/opt/czar dir/bin/czar'],
  worktree: '/wt/w1',
};

describe('registry', () => {
  it('has a preset for every preset name, each named for its key, with the shared defaults', () => {
    for (const name of PRESET_NAMES) {
      expect(presetFor(name).name).toBe(name);
      // `custom` runs only the program its agents: entry names.
      if (name !== 'custom') expect(PRESETS[name].defaults.command).not.toBe('');
    }
  });
});

describe('claude preset against real screens', () => {
  const claude = presetFor('claude');

  it('answers the workspace trust dialog with "1", never Enter, and is not ready behind it', () => {
    const trust = screen('claude-trust');
    expect(dialogIds(claude, trust)).toEqual(['claude-trust']);
    expect(claude.dialogs[0]?.keys).toEqual(['1']);
    expect(claude.isReady(trust)).toBe(false);
  });

  it('answers "Do you want to use this API key?" with "1" because the default is No', () => {
    const key = screen('claude-api-key');
    expect(dialogIds(claude, key)).toEqual(['claude-api-key']);
    expect(claude.isReady(key)).toBe(false);
    expect(claude.dialogs.find((d) => d.id === 'claude-api-key')?.keys).toEqual(['1']);
  });

  it('accepts its bypass mode warning with "2" because the default is "No, exit", and is not ready behind it', () => {
    const bypass = screen('claude-bypass');
    expect(dialogIds(claude, bypass)).toEqual(['claude-bypass']);
    expect(claude.isReady(bypass)).toBe(false);
    expect(claude.dialogs.find((d) => d.id === 'claude-bypass')?.keys).toEqual(['2']);
  });

  it('is ready with an empty input box and not busy', () => {
    const ready = screen('claude-ready');
    expect(claude.isReady(ready)).toBe(true);
    expect(claude.inputText?.(ready)).toBe('');
    expect(claude.isBusy(ready)).toBe(false);
    expect(claude.isWaiting(ready)).toBe(false);
    expect(dialogIds(claude, ready)).toEqual([]);
  });

  it('reads a short paste and a long "[Pasted text]" placeholder in the input box', () => {
    expect(claude.inputText?.(screen('claude-pasted-short'))).toBe('Line one of the task\nsecond line\nthird line end');
    expect(claude.inputText?.(screen('claude-pasted-long'))).toMatch(/\[Pasted text #2 \+200 lines\]$/);
  });

  it('sees a submitted turn as busy with the input box empty again', () => {
    for (const name of ['claude-busy', 'claude-busy-retrying', 'claude-busy-long']) {
      const busy = screen(name);
      expect(claude.isBusy(busy), name).toBe(true);
      expect(claude.inputText?.(busy), name).toBe('');
    }
  });

  it('sees the permission prompt for a tool it may not use (Write) as waiting, not ready', () => {
    const prompt = screen('claude-permission-write');
    expect(claude.isWaiting(prompt)).toBe(true);
    expect(claude.isReady(prompt)).toBe(false);
  });

  it('has no fatal screen among the normal ones and waits ≥ 2.2 s before Enter', () => {
    for (const name of ['claude-trust', 'claude-ready', 'claude-busy', 'claude-api-key'])
      expect(fatal(claude, screen(name))).toBeUndefined();
    expect(claude.submitDelayMs).toBeGreaterThanOrEqual(2200);
  });

  it('writes hook settings outside the worktree and points --settings at them', () => {
    const setup = claude.setup(context);
    const file = setup.files[0];
    expect(file?.path).toBe('/state/agents/w1/claude-settings.json');
    expect(setup.args).toEqual(['--settings', '/state/agents/w1/claude-settings.json']);
    const hooks = (
      JSON.parse(file?.content ?? '{}') as {
        hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]>;
      }
    ).hooks;
    expect(Object.keys(hooks).sort()).toEqual([
      'Notification',
      'PermissionRequest',
      'SessionEnd',
      'SessionStart',
      'Stop',
      'StopFailure',
      'UserPromptSubmit',
    ]);
    expect(hooks.Stop?.[0]?.hooks[0]?.command).toBe("/usr/bin/node '/opt/czar dir/bin/czar' report --hook Stop");
    expect(hooks.Notification?.[0]?.matcher).toBe('permission_prompt|elicitation_dialog');
  });
});

describe('gemini preset against real screens', () => {
  const gemini = presetFor('gemini');

  it('answers the folder trust dialog with "1" (this folder, not its parent)', () => {
    const trust = screen('gemini-trust');
    expect(dialogIds(gemini, trust)).toEqual(['gemini-trust']);
    expect(gemini.isReady(trust)).toBe(false);
  });

  it('picks "Use Gemini API Key" with "2" and then confirms the prefilled key', () => {
    expect(dialogIds(gemini, screen('gemini-auth'))).toEqual(['gemini-auth-api-key']);
    expect(dialogIds(gemini, screen('gemini-api-key-entry'))).toEqual(['gemini-api-key-entry']);
    expect(gemini.isReady(screen('gemini-auth'))).toBe(false);
  });

  it('is ready with the placeholder, reads a paste, and sees a turn as busy', () => {
    expect(gemini.isReady(screen('gemini-ready'))).toBe(true);
    expect(gemini.inputText?.(screen('gemini-ready'))).toBe('');
    expect(gemini.isBusy(screen('gemini-ready'))).toBe(false);
    expect(gemini.inputText?.(screen('gemini-pasted-short'))).toBe('Line one of the task\nsecond line\nthird line end');
    for (const name of ['gemini-busy', 'gemini-busy-hook']) {
      expect(gemini.isBusy(screen(name)), name).toBe(true);
      expect(gemini.inputText?.(screen(name)), name).toBe('');
    }
  });

  it('is ready in YOLO mode, where 0.61 draws the input line with "*" instead of ">"', () => {
    const yolo = screen('gemini-ready-yolo');
    expect(yolo).toMatch(/^ \* {3}Type your message/m);
    expect(gemini.isReady(yolo)).toBe(true);
    expect(gemini.inputText?.(yolo)).toBe('');
    expect(gemini.isBusy(yolo)).toBe(false);
  });

  it('is ready again after an API error, with the error left on screen', () => {
    const failed = screen('gemini-api-error-400');
    expect(failed).toMatch(/API Error: .*INVALID_ARGUMENT/);
    expect(gemini.isReady(failed)).toBe(true);
    expect(gemini.isBusy(failed)).toBe(false);
  });

  it('treats the sign-in chooser as fatal only when there is no API key to use', () => {
    expect(fatal(gemini, screen('gemini-auth'))).toBeDefined();
    // Dialogs are checked first, so with GEMINI_API_KEY present the chooser is answered, not fatal.
    expect(dialogIds(gemini, screen('gemini-auth'))).not.toEqual([]);
    expect(fatal(gemini, screen('gemini-ready'))).toBeUndefined();
  });

  it('gives hooks through a system settings file named by GEMINI_CLI_SYSTEM_SETTINGS_PATH', () => {
    const setup = gemini.setup(context);
    expect(setup.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH).toBe('/state/agents/w1/gemini-settings.json');
    const settings = JSON.parse(setup.files[0]?.content ?? '{}') as { hooks: Record<string, unknown> };
    expect(Object.keys(settings.hooks)).toEqual(expect.arrayContaining(['BeforeAgent', 'AfterAgent', 'Notification']));
  });
});

describe('codex preset against real screens', () => {
  const codex = presetFor('codex');

  it('sees the sign-in screen as fatal with a one-sentence fix', () => {
    const signin = screen('codex-signin');
    expect(fatal(codex, signin)).toMatch(/codex login/);
    expect(codex.isReady(signin)).toBe(false);
  });

  it('is not ready on the start-up splash, whose demo composer looks like a prompt', () => {
    for (const name of ['codex-splash', 'codex-splash-provider']) {
      const splash = screen(name);
      expect(splash, name).toMatch(/› Ask Codex to do anything/);
      expect(codex.isReady(splash), name).toBe(false);
    }
  });

  it('answers the folder trust dialog of 0.169 on purpose and is not ready behind it', () => {
    const trust = screen('codex-trust');
    expect(dialogIds(codex, trust)).toEqual(['codex-trust']);
    // Measured: "1" alone leaves the dialog up; Enter confirms the highlighted "› 1. Trust and continue".
    expect(codex.dialogs.find((d) => d.id === 'codex-trust')?.keys).toEqual(['Enter']);
    expect(codex.isReady(trust)).toBe(false);
    expect(fatal(codex, trust)).toBeUndefined();
  });

  it('does not take a trust dialog with another option highlighted for one it may confirm with Enter', () => {
    const otherHighlighted = screen('codex-trust')
      .replace('› 1. Trust and continue', '  1. Trust and continue')
      .replace('  2. Back to Agent', '› 2. Back to Agent');
    expect(dialogIds(codex, otherHighlighted)).toEqual([]);
  });

  it('is ready at its composer once a model provider is configured (the logo stays until the first prompt)', () => {
    const ready = screen('codex-ready');
    expect(ready).toMatch(/⣿⣿⣿/);
    expect(codex.isReady(ready)).toBe(true);
    expect(codex.isBusy(ready)).toBe(false);
    expect(dialogIds(codex, ready)).toEqual([]);
  });

  it('sees a running turn as busy, with the composer below the earlier prompts empty again', () => {
    expect(codex.isBusy(screen('codex-busy'))).toBe(true);
    expect(codex.inputText?.(screen('codex-busy'))).toBe('');
    expect(codex.inputText?.(screen('codex-api-error-400'))).toBe('');
  });

  it('reads its composer: empty at the placeholder, and a long paste as the placeholder delivery recognises', () => {
    expect(codex.inputText?.(screen('codex-ready'))).toBe('');
    const pasted = codex.inputText?.(screen('codex-pasted-long'));
    expect(pasted).toBe('[Pasted Content 1964 chars]');
    expect(showsPaste(pasted ?? '', pasteMarkers('a task\nof many lines'))).toBe(true);
  });

  it('is ready again after an API error, with the error left on screen', () => {
    const failed = screen('codex-api-error-400');
    expect(failed).toMatch(/invalid_request_error/);
    expect(codex.isReady(failed)).toBe(true);
    expect(codex.isBusy(failed)).toBe(false);
  });

  it('runs shell commands in a non-login shell, so /etc/profile cannot drop czar from their PATH', () => {
    // Measured with 0.169: exec_command runs `bash -lc`, and Debian's /etc/profile sets PATH from scratch, so
    // "czar report" in the agent's shell ended in "command not found".
    const args = codex.setup(context).args;
    expect(args.join(' ')).toContain('-c allow_login_shell=false');
  });

  it('starts with --no-daemon, so no app-server daemon outlives the worker', () => {
    expect(codex.defaults.args).toContain('--no-daemon');
  });

  it('adds notify as a -c override, with the event JSON left for Codex to append', () => {
    const setup = codex.setup(context);
    const notify = setup.args.indexOf(
      'notify=["/usr/bin/node","/opt/czar dir/bin/czar","report","--hook","agent-turn-complete"]',
    );
    expect(setup.args[notify - 1]).toBe('-c');
    expect(setup.files).toEqual([]);
  });
});

describe('aider and shell presets', () => {
  it('aider is ready at its prompt and waiting at a (Y)es/(N)o question', () => {
    const aider = presetFor('aider');
    expect(aider.isReady('Aider v0.80\nModel: x\n\n> \n\n')).toBe(true);
    expect(aider.isReady('Aider v0.80\nloading...\n')).toBe(false);
    expect(aider.isWaiting("Add file to the chat? (Y)es/(N)o/(D)on't ask again [Yes]:")).toBe(true);
  });

  it('shell is ready once anything is drawn, after a settle time, and cannot read its input', () => {
    const shell = presetFor('shell');
    expect(shell.isReady('\n\n')).toBe(false);
    expect(shell.isReady('$ ')).toBe(true);
    expect(shell.settleMs).toBe(500);
    expect(shell.inputText).toBeUndefined();
    expect(shell.reportsTurnStart).toBe(false);
  });
});

describe('hookShellCommand', () => {
  it('quotes words with spaces or quotes and keeps plain words bare', () => {
    expect(hookShellCommand(['node', "/a b/it's"], 'Stop')).toBe(`node '/a b/it'\\''s' report --hook Stop`);
  });
});

describe('qwen preset against real screens', () => {
  const qwen = presetFor('qwen');

  it('is not ready while it still says "Initializing...", then ready with an empty input box', () => {
    expect(qwen.isReady(screen('qwen-initializing'))).toBe(false);
    for (const name of ['qwen-ready', 'qwen-ready-yolo', 'qwen-api-error-400']) {
      expect(qwen.isReady(screen(name)), name).toBe(true);
      expect(qwen.inputText?.(screen(name)), name).toBe('');
      expect(qwen.isBusy(screen(name)), name).toBe(false);
    }
  });

  it('reads a pasted text without the zero-width space it draws after it', () => {
    expect(qwen.inputText?.(screen('qwen-pasted-short'))).toBe('Line one of the task\nsecond line\nthird line end');
  });

  it('sees a turn running even when a narrow pane wraps its busy line', () => {
    expect(screen('qwen-busy')).toMatch(/esc to \n/);
    expect(qwen.isBusy(screen('qwen-busy'))).toBe(true);
    expect(qwen.inputText?.(screen('qwen-busy'))).toBe('');
  });

  it('sees the permission question of its default mode as waiting', () => {
    expect(qwen.isWaiting(screen('qwen-permission'))).toBe(true);
    expect(qwen.isWaiting(screen('qwen-ready'))).toBe(false);
  });

  it('gives hooks and switches off auto-update and follow-up suggestions through its system settings file', () => {
    const setup = qwen.setup(context);
    expect(setup.env.QWEN_CODE_SYSTEM_SETTINGS_PATH).toBe('/state/agents/w1/qwen-settings.json');
    const settings = JSON.parse(setup.files[0]?.content ?? '{}') as Record<string, Record<string, unknown>>;
    expect(Object.keys(settings.hooks ?? {})).toEqual(
      expect.arrayContaining(['UserPromptSubmit', 'Stop', 'StopFailure']),
    );
    expect(settings.general).toEqual({ enableAutoUpdate: false });
    expect(settings.ui?.enableFollowupSuggestions).toBe(false);
  });
});

describe('pi preset against real screens', () => {
  const pi = presetFor('pi');

  it('reads its editor between the rules above the footer, empty or pasted into', () => {
    expect(pi.isReady(screen('pi-ready'))).toBe(true);
    expect(pi.inputText?.(screen('pi-ready'))).toBe('');
    expect(pi.inputText?.(screen('pi-pasted-short'))).toBe('Line one of the task\nsecond line\nthird line end');
  });

  it('is busy while "Working..." shows, and idle after a run or an API error', () => {
    expect(pi.isBusy(screen('pi-busy'))).toBe(true);
    for (const name of ['pi-ready', 'pi-idle', 'pi-api-error-400']) {
      expect(pi.isBusy(screen(name)), name).toBe(false);
      expect(pi.isReady(screen(name)), name).toBe(true);
    }
  });

  it("loads czar's extension and gives it the report command as a JSON argv", () => {
    const setup = pi.setup(context);
    expect(setup.args[0]).toBe('-e');
    expect(setup.args[1]).toMatch(/bin\/czar-pi-extension\.js$/);
    expect(JSON.parse(setup.env.CZAR_PI_REPORT ?? '[]')).toEqual([...context.czarCommand, 'report', '--hook']);
  });
});

describe('opencode preset against real screens', () => {
  const opencode = presetFor('opencode');
  // OpenCode 1.18.33 in a 200x50 pane: its start screen, a session, and the permission prompt that replaces its box.
  const all = [
    'ready',
    'pasted-short',
    'submitting',
    'busy',
    'permission',
    'idle',
    'api-error-400',
    'busy-retrying',
    'interrupt-once',
    'interrupted',
    'ready-resumed',
    'pasted-resumed',
  ].map((name) => `opencode-${name}`);

  it('reads its input box above the box edge, empty, pasted into, or on its start screen with the placeholder', () => {
    expect(opencode.inputText?.(screen('opencode-ready'))).toBe('');
    // The start screen's box is narrow: a long line wraps in it.
    expect(opencode.inputText?.(screen('opencode-pasted-short'))).toBe(
      'Write the greeting and commit it.\nRUN: echo hello > hello.txt && git add hello.txt && git commit -qm\n"add hello"\nSAY: Finished.',
    );
    // A resumed session: the box under the conversation, its sidebar cut off, the user's earlier prompts not in it.
    expect(opencode.inputText?.(screen('opencode-ready-resumed'))).toBe('');
    expect(opencode.inputText?.(screen('opencode-pasted-resumed'))).toBe(
      'Again.\nRUN: echo again > again.txt && git add again.txt && git commit -qm "add again"\nSAY: Again done.',
    );
    const markers = pasteMarkers('Write the greeting and commit it.\nSAY: Finished.');
    expect(showsPaste(opencode.inputText?.(screen('opencode-pasted-short')) ?? '', markers)).toBe(true);
    expect(showsPaste(opencode.inputText?.(screen('opencode-busy')) ?? 'x', markers)).toBe(false);
    // Half a second after Enter the start screen still holds the task (measured: up to 2 s on a loaded machine,
    // while it asks for a title and makes the session); an Enter pressed then does not send it twice (measured).
    expect(opencode.inputText?.(screen('opencode-submitting'))).toBe(
      opencode.inputText?.(screen('opencode-pasted-short')),
    );
  });

  it('is ready wherever its box is drawn, and not while a permission prompt stands in its place', () => {
    for (const name of all.filter((name) => name !== 'opencode-permission'))
      expect(opencode.isReady(screen(name)), name).toBe(true);
    expect(opencode.isReady(screen('opencode-permission'))).toBe(false);
  });

  it('is busy while the status line says "esc interrupt" (retrying too), waiting at a permission prompt', () => {
    const busy = ['busy', 'busy-retrying', 'interrupt-once'].map((name) => `opencode-${name}`);
    for (const name of all) expect(opencode.isBusy(screen(name)), name).toBe(busy.includes(name));
    for (const name of all) expect(opencode.isWaiting(screen(name)), name).toBe(name === 'opencode-permission');
    expect(opencode.interruptKeys).toEqual(['Escape', 'Escape']);
  });

  it("loads czar's plugin as a file and gives it the report command, with no editor for git", () => {
    const setup = opencode.setup(context);
    expect(setup.files).toEqual([]);
    const config = JSON.parse(setup.env.OPENCODE_CONFIG_CONTENT ?? '{}') as {
      plugin?: string[];
      experimental?: Record<string, unknown>;
    };
    expect(config.plugin).toEqual([expect.stringMatching(/^file:\/\/\/.*\/bin\/czar-opencode-plugin\.js$/)]);
    expect(config.experimental).toEqual({ disable_paste_summary: true });
    expect(JSON.parse(setup.env.CZAR_OPENCODE_REPORT ?? '[]')).toEqual([...context.czarCommand, 'report', '--hook']);
    expect(setup.env.GIT_EDITOR).toBe('true');
    expect(setup.env.OPENCODE_DISABLE_AUTOUPDATE).toBe('1');
  });
});
