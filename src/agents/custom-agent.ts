import type { AgentScreen } from '../domain/model/config-types.js';
import type { AgentPreset, Dialog } from './preset.js';

/**
 * A preset with a person's facts about its screens (`agents:` in czar.yaml) in place of its own. Everything that
 * needs no code can be said there: when it is ready, busy or waiting, the dialogs to answer, its interrupt keys and
 * its timings; its hooks, records and resume stay the preset's. Patterns are read per line (`m`), so `^> $` is a line.
 */
export function withScreen(base: AgentPreset, screen: AgentScreen | undefined): AgentPreset {
  if (screen === undefined) return base;
  const test = (source: string | undefined): ((text: string) => boolean) | undefined => {
    if (source === undefined) return undefined;
    const pattern = new RegExp(source, 'm');
    return (text) => pattern.test(text);
  };
  const dialogs: Dialog[] = (screen.dialogs ?? []).map((dialog, index) => ({
    id: `czar-yaml-${index + 1}`,
    match: new RegExp(dialog.match, 'm'),
    keys: dialog.keys,
    why: dialog.why ?? `czar.yaml answers ${JSON.stringify(dialog.match)} with ${dialog.keys.join(' ')}`,
  }));
  return {
    ...base,
    isReady: test(screen.ready) ?? base.isReady,
    isBusy: test(screen.busy) ?? base.isBusy,
    isWaiting: test(screen.waiting) ?? base.isWaiting,
    dialogs: [...dialogs, ...base.dialogs],
    interruptKeys: screen.interrupt ?? base.interruptKeys,
    submitDelayMs: screen.submitDelayMs ?? base.submitDelayMs,
    readyTimeoutMs: screen.readyTimeoutMs ?? base.readyTimeoutMs,
  };
}
