import { parseTmuxVersion } from '../../adapters/tmux-words.js';

/** One line of `czar doctor`: what was found, or what is wrong and how to fix it. */
export interface Check {
  readonly ok: boolean;
  readonly line: string;
}

/** `tmux -V` output judged against what czar needs (here and on each host). */
export function judgeTmux(text: string): Check {
  const version = parseTmuxVersion(text);
  const ok = version !== undefined && (version[0] > 3 || (version[0] === 3 && version[1] >= 2));
  return {
    ok,
    line: ok ? text : `${text} is too old; czar needs tmux 3.2 or newer (apt-get install tmux, or build a newer one)`,
  };
}

/** `git --version` output judged against what czar needs (here and on each host). */
export function judgeGit(text: string): Check {
  const match = /(\d+)\.(\d+)/.exec(text);
  const ok = match !== null && (Number(match[1]) > 2 || (Number(match[1]) === 2 && Number(match[2]) >= 38));
  return { ok, line: ok ? text : `${text} is too old; czar needs git 2.38 or newer (for merge-tree --write-tree)` };
}
