import { listRegistered } from '../../adapters/registry.js';
import { readStatusFile } from '../../adapters/state-files.js';
import { needsYou } from '../../domain/status/needs-you.js';
import { statePaths } from '../../domain/model/paths.js';
import { visible } from '../../domain/model/sanitize.js';
import { parse, type Command } from '../command.js';
import { out } from '../output.js';

/** `czar ls`: every fleet of this user from the registry, one line each. */
export const lsCommand: Command = {
  name: 'ls',
  summary: 'list every running fleet of this user: project, repo, workers by state, how many need you',
  usage: 'czar ls',
  async run(args) {
    parse(this, args, {}, 0);
    const fleets = await listRegistered();
    if (fleets.length === 0) {
      out('No czar runs for this user on this machine; start one with "czar up".');
      return 0;
    }
    for (const fleet of fleets) {
      const status = await readStatusFile(statePaths(fleet.stateDir)).catch(() => undefined);
      const counts = new Map<string, number>();
      for (const worker of status?.workers ?? []) counts.set(worker.state, (counts.get(worker.state) ?? 0) + 1);
      const states = [...counts].map(([state, count]) => `${count} ${state}`).join(', ') || 'no workers yet';
      const needs = fleet.running && status !== undefined ? needsYou(status).length : 0;
      const running = fleet.running ? '' : ' (stopped: its czar is gone)';
      out(`${visible(fleet.project)}${running}  ${visible(fleet.repo)}  ${states}  needs you: ${needs}`);
    }
    return 0;
  },
};
