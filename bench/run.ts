import { benchCost } from './cost.js';
import { benchDashboardIdle } from './dashboard-idle.js';
import { benchHosts } from './hosts.js';
import { benchLaunch } from './launch.js';
import { benchOneFile } from './one-file.js';
import { benchLaunchTui } from './launch-tui.js';
import { benchPresets } from './presets.js';
import { benchScale } from './scale.js';
import { benchSpawn } from './spawn.js';
import { benchSupervise } from './supervise.js';
import { benchReview } from './review.js';
import { benchReviewBox } from './review-box.js';
import { benchRouting } from './routing.js';
import { benchSandbox } from './sandbox.js';
import { benchVerify } from './verify.js';
import { benchWeb } from './web.js';
import { usePrivateRecord } from '../tests/helpers/private-record.js';

/** `npm run bench`: every benchmark, each against a baseline measured in the same run. */
const only = process.argv[2];
// The czars the benchmarks start keep their record in a folder of this run's: thousands of simulated tasks would show
// among the person's own.
usePrivateRecord('czar-bench-record-');
if (only === undefined || only === 'launch') {
  console.log(`${benchLaunch().join('\n')}\n`);
  console.log(`${benchLaunchTui().join('\n')}\n`);
  await benchPresets((line) => console.log(line));
}
// The presets alone, or some of them: `npm run bench -- presets claude copilot`.
if (only === 'presets') await benchPresets((line) => console.log(line), process.argv.slice(3));
if (only === undefined || only === 'supervise') await benchSupervise((line) => console.log(line));
// Parts of supervise, and each alone by its own name.
if (only === undefined || only === 'supervise' || only === 'one-file') await benchOneFile((line) => console.log(line));
if (only === undefined || only === 'supervise' || only === 'dashboard')
  await benchDashboardIdle((line) => console.log(line));
if (only === undefined || only === 'verify') await benchVerify((line) => console.log(line));
if (only === undefined || only === 'cost') await benchCost((line) => console.log(line));
if (only === undefined || only === 'hosts') await benchHosts((line) => console.log(line));
if (only === undefined || only === 'review') await benchReview((line) => console.log(line));
// The boxed reviewer's cost alone, and as part of review.
if (only === undefined || only === 'review' || only === 'review-box') await benchReviewBox((line) => console.log(line));
if (only === undefined || only === 'routing')
  console.log(`${benchRouting(Number(process.argv[3] ?? '44')).join('\n')}\n`);
if (only === undefined || only === 'spawn') console.log(`${(await benchSpawn()).join('\n')}\n`);
if (only === undefined || only === 'sandbox') await benchSandbox((line) => console.log(line));
// The page in a real browser, and the fleet-size sweep, which takes long at 200 workers and more: only when asked for.
if (only === 'web') await benchWeb((line) => console.log(line));
if (only === 'launch-tui') console.log(`${benchLaunchTui(Number(process.argv[3] ?? 3)).join('\n')}\n`);
if (only === 'scale') await benchScale(process.argv.slice(3), (line) => console.log(line));
