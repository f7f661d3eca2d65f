/**
 * Measures what an idle dashboard costs: mounts it on a fake terminal with the real 1 Hz clock and the fixture
 * fleet, lets it sit (optionally with a store change every `changeMs`), and prints CPU time as a share of one
 * core. Run with `NODE_ENV=production npx tsx scripts/dashboard-idle-cpu.tsx [seconds] [columns] [rows] [changeMs]`.
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { Dashboard } from '../src/ui/app.js';
import { tickingClock } from '../src/ui/clock.js';
import type { DashboardActions } from '../src/ui/ports.js';
import { FIXTURE_NOW, fixtureSnapshot, memoryStore } from '../tests/fixtures/fleet-status.js';

const [seconds = 20, columns = 80, rows = 24, changeMs = 0] = process.argv.slice(2).map(Number);

/** Enough of a TTY for ink: a size, resize events, and a write that only counts bytes. */
class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
  readonly columns = columns;
  readonly rows = rows;
  bytes = 0;
  write = (chunk: string): boolean => {
    this.bytes += chunk.length;
    return true;
  };
}
class FakeKeyboard extends EventEmitter {
  readonly isTTY = true;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read(): null {
    return null;
  }
}

const inert = async () => undefined;
const actions: DashboardActions = { attach: inert, send: inert, bonus: inert, restart: inert, pause: inert, resume: inert, openLog: inert };
const store = memoryStore();
const terminal = new FakeTerminal();
let frames = 0;
// The clock reads the fixture's time moving forward at real speed, so relative times tick as in a sprint.
const start = Date.now();
const app = render(<Dashboard store={store} actions={actions} clock={tickingClock(1000, () => FIXTURE_NOW + Date.now() - start)} />, {
  stdout: terminal as unknown as NodeJS.WriteStream,
  stdin: new FakeKeyboard() as unknown as NodeJS.ReadStream,
  patchConsole: false,
  incrementalRendering: true,
  onRender: () => {
    frames += 1;
  },
});
const changes =
  changeMs > 0
    ? setInterval(() => store.set(fixtureSnapshot({ now: FIXTURE_NOW + Date.now() - start })), changeMs)
    : undefined;
// Let the first mount (module JIT, first layout) pass before measuring.
await new Promise((resolve) => setTimeout(resolve, 2000));
const before = process.cpuUsage();
const framesBefore = frames;
const bytesBefore = terminal.bytes;
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const used = process.cpuUsage(before);
clearInterval(changes);
app.unmount();
const cpuMs = (used.user + used.system) / 1000;
console.log(
  `${columns}x${rows}, ${seconds} s${changeMs > 0 ? `, store change every ${changeMs} ms` : ', idle'}: ` +
    `${((cpuMs / (seconds * 1000)) * 100).toFixed(2)}% of a core, ${frames - framesBefore} frames, ` +
    `${Math.round((terminal.bytes - bytesBefore) / seconds)} bytes/s written`,
);
