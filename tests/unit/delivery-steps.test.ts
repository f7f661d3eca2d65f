import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { presetFor } from '../../src/agents/index.js';
import {
  dialogDrawing,
  lastDrawn,
  loadScale,
  pasteLanded,
  pasteLandMs,
  pasteMarkers,
  readyStep,
  showsPaste,
  strayAnswerKeys,
  submitStep,
} from '../../src/delivery/delivery-steps.js';

const screen = (name: string): string =>
  readFileSync(new URL(`../fixtures/screens/${name}.txt`, import.meta.url), 'utf8');
const claude = presetFor('claude');
const gemini = presetFor('gemini');
const codex = presetFor('codex');
const shell = presetFor('shell');
const copilot = presetFor('copilot');
const task = 'Line one of the task\nsecond line\nthird line end';

describe('strayAnswerKeys', () => {
  it("takes out only czar's own answer keys, and only when nothing else is in the box", () => {
    expect(strayAnswerKeys('11', claude.dialogs)).toBe(2);
    expect(strayAnswerKeys('1', [])).toBe(0);
    expect(strayAnswerKeys('1 fix the bug', claude.dialogs)).toBe(0);
    expect(strayAnswerKeys('', claude.dialogs)).toBe(0);
    expect(strayAnswerKeys(undefined, claude.dialogs)).toBe(0);
    // Named keys ("Enter", "Down") never count as typed characters.
    expect(strayAnswerKeys('E', [{ ...claude.dialogs[0]!, keys: ['Enter'] }])).toBe(0);
  });
});

describe('readyStep', () => {
  it('answers dialogs at launch but only waits them out for follow-up messages', () => {
    expect(readyStep(claude, screen('claude-trust'), true)).toMatchObject({
      kind: 'dialog',
      dialog: { id: 'claude-trust' },
    });
    expect(readyStep(claude, screen('claude-trust'), false)).toEqual({ kind: 'wait' });
  });

  it('reports fatal screens, ready input boxes, and otherwise waits', () => {
    expect(readyStep(codex, screen('codex-signin'), true)).toMatchObject({
      kind: 'fatal',
      message: expect.stringMatching(/codex login/),
    });
    expect(readyStep(claude, screen('claude-ready'), true)).toEqual({ kind: 'ready' });
    expect(readyStep(gemini, screen('gemini-ready'), true)).toEqual({ kind: 'ready' });
    expect(readyStep(claude, '\n\n', true)).toEqual({ kind: 'wait' });
  });

  it('counts a dialog as shown only when it is the last thing drawn (Gemini restarts below its old trust dialog)', () => {
    const trust = gemini.dialogs.find((dialog) => dialog.id === 'gemini-trust')!;
    const restarting = `${screen('gemini-trust')}\nGemini CLI is restarting to apply the trust changes...\n`;
    // Answered and still drawn, nothing below it yet: wait.
    expect(readyStep(gemini, restarting, true, [trust])).toEqual({ kind: 'wait' });
    // Restarted: the old dialog stays on screen above the new input box, which is what is shown now.
    const restarted = `${restarting}${screen('gemini-ready')}`;
    expect(readyStep(gemini, restarted, true)).toEqual({ kind: 'ready' });
    expect(readyStep(gemini, restarted, true, [trust])).toEqual({ kind: 'ready' });
    expect(readyStep(gemini, screen('gemini-ready'), true, [trust])).toEqual({ kind: 'ready' });
    // The same dialog drawn again below (the trust did not take): answered again.
    expect(readyStep(gemini, `${restarted}\n${screen('gemini-trust')}`, true, [trust])).toMatchObject({
      kind: 'dialog',
      dialog: { id: 'gemini-trust' },
    });
    // Any preset alike: a dialog drawn below an input box is shown.
    const sim = presetFor('sim');
    const simTrust = 'Do you trust the files in this folder?\n❯ 1. Yes, proceed\n  2. No, exit\n';
    expect(readyStep(sim, `╭──────╮\n│ ›    │\n╰──────╯\n${simTrust}`, true)).toMatchObject({ kind: 'dialog' });
  });

  it('counts an old Copilot trust dialog above its ready input box as drawn before, not as shown', () => {
    const trust = copilot.dialogs.find((dialog) => dialog.id === 'copilot-trust')!;
    const answered = `${screen('copilot-resume-trust')}\n${screen('copilot-ready')}`;
    expect(readyStep(copilot, answered, true)).toEqual({ kind: 'ready' });
    expect(readyStep(copilot, answered, true, [trust])).toEqual({ kind: 'ready' });
    expect(readyStep(copilot, screen('copilot-resume-trust'), true, [trust])).toMatchObject({ kind: 'dialog' });
  });

  it('prefers a dialog over a fatal screen that shares its text (Gemini auth with a key)', () => {
    expect(readyStep(gemini, screen('gemini-auth'), true)).toMatchObject({
      kind: 'dialog',
      dialog: { id: 'gemini-auth-api-key' },
    });
  });
});

describe('dialogDrawing', () => {
  it("is the dialog's own lines: Copilot's resumed conversation and animated logo move above its trust box", () => {
    // Two real screens of one resumed GitHub Copilot CLI 1.0.102, 2 s apart, its trust box unanswered throughout.
    const [first, later] = [screen('copilot-resume-trust'), screen('copilot-resume-trust-later')];
    const trust = copilot.dialogs.find((dialog) => dialog.id === 'copilot-trust')!;
    expect(first).not.toBe(later);
    expect(dialogDrawing(trust, first)).toBe(dialogDrawing(trust, later));
    expect(dialogDrawing(trust, first)).toMatch(/^Confirm folder trust[\s\S]*3\. No \(Esc\)[\s\S]*╰─+╯\n$/);
    expect(dialogDrawing(trust, screen('copilot-ready'))).toBe('');
  });
});

describe('lastDrawn', () => {
  it('names the box a screen ends in by its first line, as its bottom edge alone does not say which dialog it is', () => {
    expect(lastDrawn(screen('copilot-resume-trust'))).toBe(
      `the last line was "╰${'─'.repeat(79)}", closing a box that begins "Confirm folder trust"`,
    );
    expect(lastDrawn(screen('copilot-ready'))).toMatch(/^the last line was " ?← open sidebar · Interactive/);
    expect(lastDrawn('\n  \n')).toBe('the screen was empty');
  });
});

describe('paste markers', () => {
  it('takes the start of the first and the end of the last non-blank line, whitespace squashed', () => {
    expect(pasteMarkers('\n  Fix   the\tparser now please, thanks\n\nand commit it all\n')).toEqual({
      head: 'Fix the parser now pleas',
      tail: 'and commit it all',
    });
  });

  it('finds a placeholder or either marker', () => {
    const markers = pasteMarkers(task);
    expect(showsPaste('third line end', markers)).toBe(true);
    expect(showsPaste('foo [Pasted text #1 +200 lines]', markers)).toBe(true);
    expect(showsPaste('', markers)).toBe(false);
  });
});

describe('pasteLanded', () => {
  const markers = pasteMarkers(task);

  it('reads the input box on real Claude and Gemini screens', () => {
    expect(pasteLanded(claude, screen('claude-pasted-short'), screen('claude-ready'), markers)).toBe(true);
    expect(pasteLanded(claude, screen('claude-ready'), screen('claude-ready'), markers)).toBe(false);
    expect(pasteLanded(gemini, screen('gemini-pasted-short'), screen('gemini-ready'), markers)).toBe(true);
    // The same text in the history above the box is not a paste in the box.
    expect(pasteLanded(gemini, screen('gemini-busy'), screen('gemini-ready'), markers)).toBe(false);
  });

  it('needs a changed screen that shows the text when the input box cannot be read', () => {
    expect(pasteLanded(shell, '$ third line end', '$ ', markers)).toBe(true);
    expect(pasteLanded(shell, '$ third line end', '$ third line end', markers)).toBe(false);
  });
});

describe('submitStep', () => {
  const markers = pasteMarkers(task);

  it('sees the text still in the input box as a dropped Enter', () => {
    expect(submitStep(claude, screen('claude-pasted-short'), screen('claude-pasted-short'), markers)).toBe('in-input');
    expect(submitStep(gemini, screen('gemini-pasted-short'), screen('gemini-pasted-short'), markers)).toBe('in-input');
  });

  it('sees a busy screen with the box empty as submitted', () => {
    expect(submitStep(claude, screen('claude-busy'), screen('claude-pasted-short'), markers)).toBe('submitted');
    expect(submitStep(gemini, screen('gemini-busy'), screen('gemini-pasted-short'), markers)).toBe('submitted');
  });

  it('falls back to "the screen changed" for presets that cannot read their input', () => {
    expect(submitStep(shell, '$ x\nout\n$ ', '$ x', markers)).toBe('submitted');
    expect(submitStep(shell, '$ x', '$ x', markers)).toBe('unknown');
  });
});

describe('waits that grow with load', () => {
  it('scales by the load per core, from 1 up to 4', () => {
    expect(loadScale(0.2)).toBe(1);
    expect(loadScale(2.5)).toBe(2.5);
    expect(loadScale(9)).toBe(4);
    expect(loadScale(Number.NaN)).toBe(1);
  });

  it('waits for a paste at least as long as the agent took to get ready', () => {
    expect(pasteLandMs(1, 800)).toBe(5_000);
    expect(pasteLandMs(2, 800)).toBe(10_000);
    expect(pasteLandMs(1, 14_000)).toBe(14_000);
    expect(pasteLandMs(1, 600_000)).toBe(60_000);
  });
});
