/**
 * Measures what an idle dashboard costs: mounts it on a fake terminal with the real 1 Hz clock and the fixture
 * fleet, lets it sit (optionally with a store change every `changeMs`), and prints CPU time as a share of one
 * core. Run with `NODE_ENV=production npx tsx scripts/dashboard-idle-cpu.tsx [seconds] [columns] [rows] [changeMs]`.
 */
import { render } from 'ink';
import { Dashboard } from '../src/ui/app.js';
import { tickingClock } from '../src/ui/clock.js';
import type { DashboardActions } from '../src/ui/ports.js';
import { FIXTURE_NOW, fixtureSnapshot, memoryStore } from '../tests/fixtures/fleet-status.js';
import { FakeKeyboard, FakeTerminal } from '../tests/ui/fakes.js';

const [seconds = 20, columns = 80, rows = 24, changeMs = 0] = process.argv.slice(2).map(Number);

const inert = async () => undefined;
const actions: DashboardActions = {
  attach: inert,
  send: inert,
  comment: inert,
  bonus: inert,
  restart: inert,
  pause: inert,
  resume: inert,
  openLog: inert,
};
const store = memoryStore();
const terminal = new FakeTerminal(columns, rows);
let frames = 0;
// The clock reads the fixture's time moving forward at real speed, so relative times tick as in a sprint.
const start = Date.now();
const app = render(
  <Dashboard store={store} actions={actions} clock={tickingClock(1000, () => FIXTURE_NOW + Date.now() - start)} />,
  {
    stdout: terminal.asStream(),
    stdin: new FakeKeyboard().asStream(),
    patchConsole: false,
    onRender: () => {
      frames += 1;
    },
  },
);
const changes =
  changeMs > 0
    ? setInterval(() => store.set(fixtureSnapshot({ now: FIXTURE_NOW + Date.now() - start })), changeMs)
    : undefined;
// Let the first mount (module JIT, first layout) pass before measuring.
await new Promise((resolve) => setTimeout(resolve, 2000));
const before = process.cpuUsage();
const framesBefore = frames;
const bytesBefore = terminal.written.length;
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const used = process.cpuUsage(before);
clearInterval(changes);
app.unmount();
const cpuMs = (used.user + used.system) / 1000;
console.log(
  `${columns}x${rows}, ${seconds} s${changeMs > 0 ? `, store change every ${changeMs} ms` : ', idle'}: ` +
    `${((cpuMs / (seconds * 1000)) * 100).toFixed(2)}% of a core, ${frames - framesBefore} frames, ` +
    `${Math.round((terminal.written.length - bytesBefore) / seconds)} bytes/s written`,
);
