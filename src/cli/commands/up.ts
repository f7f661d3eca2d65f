import type { FleetEvent } from '../../domain/model/words.js';
import { launch } from '../../launch/up-sequence.js';
import { routeWorkers } from '../../launch/route-workers.js';
import { briefLessons } from '../../launch/brief-lessons.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { err, formatEvent, out, outRow } from '../output.js';

export const upCommand: Command = {
  name: 'up',
  summary: 'launch the fleet (or adopt it when it is running) and start the czar',
  usage: 'czar up [-c czar.yaml] [--detach] [--fetch] [--dry-run] [--redeliver]',
  async run(args) {
    const { values } = parse(
      this,
      args,
      {
        ...CONFIG_OPTION,
        detach: { type: 'boolean', short: 'd' },
        fetch: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        redeliver: { type: 'boolean' },
      },
      0,
    );
    const interactive = process.stdout.isTTY && values.detach !== true;
    const echo = interactive ? undefined : (event: FleetEvent) => outRow(formatEvent(event));
    const fleet = await fleetFrom(this, values.config, echo);
    // `agent: auto` workers get their agent, and every worker its lessons, before the launch plans them (a dry run
    // only shows the pool's first agent); they are kept once the plan is accepted.
    const chosen = values['dry-run'] === true ? [] : [await routeWorkers(fleet), await briefLessons(fleet)];
    const code = await launch(
      fleet,
      {
        fetch: values.fetch === true,
        dryRun: values['dry-run'] === true,
        redeliver: values.redeliver === true,
        saveChoices: async () => {
          for (const choice of chosen) await choice.save();
        },
      },
      { note: out, warn: err },
    );
    if (values['dry-run'] === true || values.detach === true) return code;
    // Loaded only to stay and follow the fleet: a detached launch reaches its first worktree sooner without a watcher.
    const { followUntilSprintOver, showDashboard } = await import('../follow.js');
    if (interactive) await showDashboard(fleet);
    else await followUntilSprintOver(fleet, { printFrom: 'end' });
    return code;
  },
};
