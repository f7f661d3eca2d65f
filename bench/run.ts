import { benchLaunch } from './launch.js';
import { benchSupervise } from './supervise.js';

/** `npm run bench`: every benchmark, each against a baseline measured in the same run. */
const only = process.argv[2];
const lines: string[] = [];
if (only === undefined || only === 'launch') lines.push(...benchLaunch(), '');
if (only === undefined || only === 'supervise') lines.push(...(await benchSupervise()));
console.log(lines.join('\n'));
