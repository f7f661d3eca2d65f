/**
 * Renders the realistic fleet fixture at 80x24 and 160x48 to plain text under docs/, so a reviewer can see the
 * dashboard without running a fleet. Run with `npx tsx scripts/dashboard-snapshot.tsx`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderToString } from 'ink';
import { stripVTControlCharacters } from 'node:util';
import { Dashboard } from '../src/ui/app.js';
import type { DashboardActions } from '../src/ui/ports.js';
import { memoryStore } from '../tests/fixtures/fleet-status.js';

// Feed times are local clock times; pin the zone so the committed files do not depend on who ran the script.
process.env.TZ = 'UTC';

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

for (const [columns, rows] of [
  [80, 24],
  [160, 48],
] as const) {
  const text = renderToString(<Dashboard store={memoryStore()} actions={actions} size={{ columns, rows }} />, {
    columns,
  });
  const lines = stripVTControlCharacters(text)
    .split('\n')
    .map((line) => line.trimEnd());
  const target = fileURLToPath(new URL(`../docs/dashboard-${columns}x${rows}.txt`, import.meta.url));
  writeFileSync(target, `${lines.join('\n')}\n`);
  console.log(`wrote ${target} (${lines.length} lines, widest ${Math.max(...lines.map((line) => line.length))})`);
}
