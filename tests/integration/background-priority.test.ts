import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/adapters/process.js';

describe('a command run in the background (a conflict prediction)', () => {
  it("runs ten steps nicer than czar, behind the agents and tmux; any other command at czar's own", async () => {
    const own = getPriority();
    // The child asks its own niceness until it is no longer czar's (it is lowered just after its start), for 2 s at most.
    const script = 'for i in $(seq 200); do n=$(nice); [ "$n" != "$0" ] && break; sleep 0.01; done; echo "$n"';
    const background = await run('sh', ['-c', script, String(own)], { background: true });
    expect(Number(background.stdout.trim())).toBe(Math.min(19, own + 10));
    const foreground = await run('sh', ['-c', 'nice']);
    expect(Number(foreground.stdout.trim())).toBe(own);
  });
});
