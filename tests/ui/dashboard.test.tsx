import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Dashboard, type TerminalSize } from '../../src/ui/app.js';
import type { DashboardActions } from '../../src/ui/ports.js';
import {
  fixtureSnapshot,
  fixtureStatus,
  fixtureWorkers,
  memoryStore,
  type MemoryStore,
} from '../fixtures/fleet-status.js';
import { lines, recordingActions, settle } from './fakes.js';

afterEach(() => cleanup());

const DOWN = '\u001b[B';
const UP = '\u001b[A';
const ESC = '\u001b';

function mount(options: { store?: MemoryStore; actions?: Partial<DashboardActions>; size?: TerminalSize } = {}) {
  const store = options.store ?? memoryStore();
  const recorded = recordingActions(options.actions);
  const app = render(
    <Dashboard store={store} actions={recorded.actions} size={options.size ?? { columns: 100, rows: 30 }} />,
  );
  const press = async (data: string) => {
    app.stdin.write(data);
    await settle();
  };
  const screen = () => lines(app.lastFrame());
  const selectedRow = () => screen().find((line) => line.startsWith('›'));
  return { ...app, store, calls: recorded.calls, press, screen, selectedRow };
}

describe('worker table', () => {
  it('shows every worker with its state symbol and name', () => {
    const { screen } = mount();
    const text = screen().join('\n');
    for (const [name, state] of [
      ['gateway', '● working'],
      ['audit', '○ idle'],
      ['billing', '? waiting'],
      ['search', '✓ done'],
      ['exports', '✗ crashed'],
      ['webhooks', '! stuck'],
      ['i18n', '■ blocked'],
      ['docs', '… queued'],
    ] as const) {
      expect(text).toMatch(new RegExp(`${name}\\s+${state.replace('?', '\\?')}`));
    }
  });

  it('shows the header: project, base, supervisor, autonomy and queue', () => {
    const header = mount().screen().slice(0, 2).join('\n');
    expect(header).toContain('shop-api');
    expect(header).toContain('base main');
    expect(header).toContain('up 1h23m');
    expect(header).toContain('supervisor ● alive');
    expect(header).toContain('autonomy on');
    expect(header).toContain('queue 2');
  });

  it('re-renders on a store change without any timer', async () => {
    const { store, screen } = mount();
    expect(screen().join('\n')).not.toContain('supervisor ✗ down');
    const gateway = { ...fixtureWorkers[0]!, state: 'crashed' as const };
    store.set(
      fixtureSnapshot({
        status: {
          ...fixtureStatus,
          supervisor: undefined,
          paused: true,
          workers: [gateway, ...fixtureWorkers.slice(1)],
        },
      }),
    );
    await settle();
    const text = screen().join('\n');
    expect(text).toContain('supervisor ✗ down');
    expect(text).toContain('autonomy ■ paused');
    expect(text).toMatch(/gateway\s+✗ crashed/);
  });

  it('unsubscribes from the store on unmount', () => {
    const app = mount();
    // The screen's, and the selected worker's pane tail's.
    expect(app.store.listeners()).toBe(2);
    app.unmount();
    expect(app.store.listeners()).toBe(0);
  });
});

describe('selection', () => {
  it('moves with j/k and the arrow keys and stops at the ends', async () => {
    const { press, selectedRow } = mount();
    expect(selectedRow()).toMatch(/gateway/);
    await press('j');
    expect(selectedRow()).toMatch(/audit/);
    await press(DOWN);
    expect(selectedRow()).toMatch(/billing/);
    await press('k');
    await press(UP);
    await press(UP);
    expect(selectedRow()).toMatch(/gateway/);
  });

  it('handles every key of a burst that arrives in one read', async () => {
    const { press, calls, selectedRow, screen } = mount();
    await press('jjj');
    expect(selectedRow()).toMatch(/search/);
    await press('kk');
    expect(selectedRow()).toMatch(/audit/);
    await press('sfix it');
    expect(screen().join('\n')).toContain('send to audit › fix it');
    await press(ESC);
    await press('ja');
    expect(calls).toEqual([['attach', 'billing']]);
  });

  it('keeps the selected worker when the list reorders', async () => {
    const { press, store, selectedRow } = mount();
    await press('j');
    store.set(fixtureSnapshot({ status: { ...fixtureStatus, workers: [...fixtureWorkers].reverse() } }));
    await settle();
    expect(selectedRow()).toMatch(/audit/);
  });
});

describe('family tree', () => {
  // gateway spawned two children (one cancelled, so no longer owed) and one grandchild; the children come last in
  // the status file, as they do when spawned mid-sprint.
  const [gateway, ...others] = fixtureWorkers;
  const child = (name: string, parent: string, state: 'working' | 'stopped') => ({
    ...gateway!,
    name,
    state,
    parent,
    branch: `czar/${name}`,
    title: `part of ${parent}`,
    paneId: `%${name}`,
  });
  const family = [
    {
      ...gateway!,
      children: [
        { name: 'gw-redis', owed: true },
        { name: 'gw-old', owed: false },
      ],
    },
    ...others,
    child('gw-redis', 'gateway', 'working'),
    child('gw-old', 'gateway', 'stopped'),
    { ...child('gw-lua', 'gw-redis', 'working') },
  ];
  const familyStore = () => memoryStore(fixtureSnapshot({ status: { ...fixtureStatus, workers: family } }));

  it('lists children indented under their parent, and the parent says how many are owed', () => {
    const rows = mount({ store: familyStore(), size: { columns: 120, rows: 40 } }).screen();
    const at = (pattern: RegExp) => rows.findIndex((line) => pattern.test(line));
    const parent = at(/ gateway /);
    expect(rows[parent]).toContain('(1 child owed) Rate-limit');
    expect(rows[parent + 1]).toMatch(/^ {2}└ gw-redis /);
    expect(rows[parent + 2]).toMatch(/^ {4}└ gw-lua /);
    expect(rows[parent + 3]).toMatch(/^ {2}└ gw-old /);
    expect(rows[parent + 4]).toMatch(/^ {2}audit /);
  });

  it('moves the selection down the tree in the order shown', async () => {
    const { press, selectedRow } = mount({ store: familyStore(), size: { columns: 120, rows: 40 } });
    await press('j');
    expect(selectedRow()).toMatch(/└ gw-redis/);
    await press('jj');
    expect(selectedRow()).toMatch(/└ gw-old/);
    await press('j');
    expect(selectedRow()).toMatch(/audit/);
  });
});

describe('keys that act', () => {
  it('Enter and a attach to the selected worker', async () => {
    const { press, calls } = mount();
    await press('\r');
    await press('j');
    await press('a');
    expect(calls).toEqual([
      ['attach', 'gateway'],
      ['attach', 'audit'],
    ]);
  });

  it('s opens a one-line input; typing and Enter sends it', async () => {
    const { press, calls, screen } = mount();
    await press('s');
    await press('rebase on main');
    await press('\u007f');
    await press('n');
    expect(screen().join('\n')).toContain('send to gateway › rebase on main');
    await press('\r');
    expect(calls).toEqual([['send', 'gateway', 'rebase on main']]);
    expect(screen().join('\n')).toContain('Sent to gateway: rebase on main');
  });

  it('Esc cancels the input without sending, and q inside it is just text', async () => {
    const { press, calls, screen } = mount();
    await press('s');
    await press('q');
    expect(screen().join('\n')).toContain('send to gateway › q');
    await press(ESC);
    expect(calls).toEqual([]);
    expect(screen().join('\n')).toContain('Message not sent.');
  });

  it('b on an idle worker gives a bonus task at once; on a working one it asks first', async () => {
    const { press, calls, screen } = mount();
    await press('j'); // audit is idle
    await press('b');
    expect(calls).toEqual([['bonus', 'audit']]);
    await press('k'); // gateway is working
    await press('b');
    expect(screen().join('\n')).toContain('gateway is working; give it the next bonus task anyway? (y/n)');
    expect(calls).toHaveLength(1);
    await press('y');
    expect(calls).toEqual([
      ['bonus', 'audit'],
      ['bonus', 'gateway'],
    ]);
  });

  it('r restarts only after y, and n cancels', async () => {
    const { press, calls, screen } = mount();
    await press('r');
    expect(screen().join('\n')).toContain("Restart gateway's agent?");
    await press('n');
    expect(calls).toEqual([]);
    expect(screen().join('\n')).toContain('Cancelled.');
    await press('r');
    await press('y');
    expect(calls).toEqual([['restart', 'gateway']]);
    expect(screen().join('\n')).toContain('Restarted gateway.');
  });

  it('p pauses a running worker and resumes a paused one; P toggles the fleet', async () => {
    const { press, calls } = mount();
    await press('p');
    for (let step = 0; step < 6; step += 1) await press('j'); // i18n is paused
    await press('p');
    await press('P');
    expect(calls).toEqual([
      ['pause', 'gateway'],
      ['resume', 'i18n'],
      ['pause', undefined],
    ]);
  });

  it('l opens the log of the selected worker', async () => {
    const { press, calls } = mount();
    await press('j');
    await press('l');
    expect(calls).toEqual([['openLog', 'audit']]);
  });

  it('shows an action error as one line in the status line', async () => {
    const { press, screen } = mount({
      actions: {
        restart: () => Promise.reject(new Error('tmux session czar-gateway is gone; run czar up to adopt it.\nstack')),
      },
    });
    await press('r');
    await press('y');
    const text = screen().join('\n');
    expect(text).toContain('✗ tmux session czar-gateway is gone; run czar up to adopt it.');
    expect(text).not.toContain('stack');
  });

  it('? shows the help overlay and any key closes it', async () => {
    const { press, screen } = mount();
    await press('?');
    expect(screen().join('\n')).toContain('pause or resume autonomy for the whole fleet');
    await press('x');
    expect(screen().join('\n')).not.toContain('pause or resume autonomy for the whole fleet');
  });

  it('q quits the dashboard without calling any action', async () => {
    const store = memoryStore();
    const { press, calls } = mount({ store });
    await press('q');
    expect(calls).toEqual([]);
    // Quitting unmounts the app, which lets go of the store.
    expect(store.listeners()).toBe(0);
  });
});

describe('layout', () => {
  it('fits 80x24: no line wider than 80 columns, at most 24 rows', () => {
    const screen = mount({ size: { columns: 80, rows: 24 } }).screen();
    expect(screen.length).toBeLessThanOrEqual(24);
    for (const line of screen) expect(Array.from(line).length).toBeLessThanOrEqual(80);
    expect(screen.join('\n')).toContain('czar activity');
  });

  it('keeps help, prompt and confirmation inside 80x24 too', async () => {
    const { press, screen } = mount({ size: { columns: 80, rows: 24 } });
    const fits = () => {
      // Always the same height (rows - 1), so nothing below the dashboard jumps when the mode changes.
      expect(screen()).toHaveLength(23);
      for (const line of screen()) expect(Array.from(line).length).toBeLessThanOrEqual(80);
    };
    await press('?');
    expect(screen().join('\n')).toContain('quit the dashboard');
    fits();
    await press('x');
    await press('r');
    expect(screen().join('\n')).toContain('(y/n)');
    fits();
    await press('n');
    await press('s');
    await press('x'.repeat(200));
    expect(screen().join('\n')).toContain('send to gateway › …xxx');
    fits();
  });

  it('scrolls a long fleet so the selected worker stays in view', async () => {
    const many = Array.from({ length: 30 }, (_, index) => ({
      ...fixtureWorkers[0]!,
      name: `w${String(index).padStart(2, '0')}`,
    }));
    const store = memoryStore(fixtureSnapshot({ status: { ...fixtureStatus, workers: many } }));
    const { press, screen, selectedRow } = mount({ store, size: { columns: 80, rows: 24 } });
    expect(screen()[2]).toMatch(/^↓ WORKER/);
    for (let step = 0; step < 20; step += 1) await press('j');
    expect(selectedRow()).toMatch(/^› w20 /);
    expect(screen()[2]).toMatch(/^↕ WORKER/);
    expect(screen().length).toBeLessThanOrEqual(24);
  });

  it('uses the room of 160x48 for branch and files columns', () => {
    const screen = mount({ size: { columns: 160, rows: 48 } }).screen();
    expect(screen.length).toBeLessThanOrEqual(48);
    expect(screen.join('\n')).toMatch(/BRANCH.*FILES/);
    for (const line of screen) expect(Array.from(line).length).toBeLessThanOrEqual(160);
  });

  it('follows a terminal resize', async () => {
    const store = memoryStore();
    const app = render(<Dashboard store={store} actions={recordingActions().actions} />);
    expect(lines(app.lastFrame()).join('\n')).not.toContain('BRANCH');
    Object.defineProperty(app.stdout, 'columns', { value: 160, configurable: true });
    Object.defineProperty(app.stdout, 'rows', { value: 48, configurable: true });
    app.stdout.emit('resize');
    await settle();
    expect(lines(app.lastFrame()).join('\n')).toContain('BRANCH');
  });
});

describe('detail pane', () => {
  it("shows the selected worker's pane tail, note and result file", async () => {
    const { press, screen } = mount({ size: { columns: 100, rows: 40 } });
    let text = screen().join('\n');
    expect(text).toContain('▸ gateway');
    expect(text).toContain('note: token bucket done; wiring Redis store next');
    expect(text).toContain('│ ✻ Thinking… (esc to interrupt)');
    for (let step = 0; step < 3; step += 1) await press('j');
    text = screen().join('\n');
    expect(text).toContain('▸ search');
    expect(text).toContain('result: .czar/results/search.md');
    expect(text).toContain('│ Done. Report written to .czar/results/search.md');
  });

  it('updates the pane tail live', async () => {
    const { store, screen } = mount();
    store.set(fixtureSnapshot({ paneTails: { gateway: ['⏺ All 12 limiter tests pass.'] } }));
    await settle();
    expect(screen().join('\n')).toContain('│ ⏺ All 12 limiter tests pass.');
  });

  it("shows the czar's latest actions in the feed", () => {
    expect(mount().screen().join('\n')).toContain("gave bonus task 'Add audit tests' to audit: idle 95 s");
  });
});

describe('worker-written text', () => {
  // ESC (a screen clear), BEL, an OSC window title, CR, NUL and a one-byte C1 CSI.
  const hostile = 'x\u001b[2Jy\u0007\u001b]0;pwned\u0007\rz\u0000\u009b31m';
  const shown = 'x␛[2Jy␇␛]0;pwned␇␍z␀␛[31m';

  it('reaches the screen with its control characters shown as symbols: note, title, result file, pane, alert, event', () => {
    const [gateway, ...rest] = fixtureWorkers;
    const worker = {
      ...gateway!,
      title: `T ${hostile}`,
      note: `N ${hostile}`,
      resultFile: `R ${hostile}`,
      alerts: [{ kind: 'bad_report' as const, message: `A ${hostile}`, since: fixtureStatus.updatedAt }],
    };
    const store = memoryStore(
      fixtureSnapshot({
        status: { ...fixtureStatus, workers: [worker, ...rest] },
        paneTails: { gateway: [`P ${hostile}`] },
        events: [{ at: fixtureStatus.updatedAt, kind: 'report', worker: 'gateway', message: `E ${hostile}` }],
      }),
    );
    const { lastFrame, screen } = mount({ store, size: { columns: 200, rows: 40 } });
    const frame = lastFrame() ?? '';
    // ink's own colour codes are ESC [ ... m; none of the worker's sequences may survive.
    for (const raw of ['\u001b[2J', '\u001b]0;', '\u0007', '\r', '\u0000', '\u009b']) expect(frame).not.toContain(raw);
    const text = screen().join('\n');
    for (const label of ['T', 'N', 'R', 'P', 'A', 'E']) expect(text, label).toContain(`${label} ${shown}`.slice(0, 12));
    expect(text).toContain(`note: N ${shown}`);
  });

  it('an error from an action, which may quote a worker, reaches the status line with its control characters shown', async () => {
    const { press, lastFrame, screen } = mount({
      actions: { bonus: () => Promise.reject(new Error(`refused: ${hostile}`)) },
    });
    await press('j'); // audit is idle: b acts at once
    await press('b');
    for (const raw of ['\u001b[2J', '\u001b]0;', '\u0007', '\r', '\u0000', '\u009b'])
      expect(lastFrame() ?? '').not.toContain(raw);
    expect(screen().join('\n')).toContain(`✗ refused: ${shown}`);
  });
});

describe('every fleet (czar dashboard --all)', () => {
  it('f shows the next fleet; a dashboard of one fleet says how to see them all', async () => {
    const store = memoryStore();
    const other = fixtureSnapshot();
    const nextFleet = () => {
      store.set({ ...other, status: { ...other.status, project: 'second-project' } });
      return Promise.resolve('second-project (fleet 2 of 2)');
    };
    const recorded = recordingActions();
    const app = render(
      <Dashboard store={store} actions={{ ...recorded.actions, nextFleet }} size={{ columns: 100, rows: 30 }} />,
    );
    const before = lines(app.lastFrame()).join('\n');
    expect(before).not.toContain('second-project');
    app.stdin.write('f');
    await settle();
    expect(lines(app.lastFrame()).join('\n')).toContain('second-project');

    const single = mount();
    await single.press('f');
    expect(single.screen().join('\n')).toContain('This dashboard shows one fleet; "czar dashboard --all"');
  });
});
