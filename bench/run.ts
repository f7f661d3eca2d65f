import { benchCost } from './cost.js';
import { benchHosts } from './hosts.js';
import { benchLaunch } from './launch.js';
import { benchScale } from './scale.js';
import { benchSpawn } from './spawn.js';
import { benchSupervise } from './supervise.js';
import { benchReview } from './review.js';
import { benchVerify } from './verify.js';

/** `npm run bench`: every benchmark, each against a baseline measured in the same run. */
const only = process.argv[2];
if (only === undefined || only === 'launch') console.log(`${benchLaunch().join('\n')}\n`);
if (only === undefined || only === 'supervise') await benchSupervise((line) => console.log(line));
if (only === undefined || only === 'verify') await benchVerify((line) => console.log(line));
if (only === undefined || only === 'cost') await benchCost((line) => console.log(line));
if (only === undefined || only === 'hosts') await benchHosts((line) => console.log(line));
if (only === undefined || only === 'review') await benchReview((line) => console.log(line));
if (only === undefined || only === 'spawn') console.log(`${(await benchSpawn()).join('\n')}\n`);
// The fleet-size sweep takes long at 200 workers and more: it runs only when asked for.
if (only === 'scale') await benchScale(process.argv.slice(3), (line) => console.log(line));
