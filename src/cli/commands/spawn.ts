import { PROOF_VARIABLE, signWithProof } from '../../adapters/worker-proof.js';
import { CzarError } from '../../domain/model/errors.js';
import { statePaths } from '../../domain/model/paths.js';
import { askCzar } from '../../fleet/requests.js';
import { signedText, type CzarRequest, type CzarRequestBody } from '../../domain/model/czar-request.js';
import { CONFIG_OPTION, parse, usageError, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { out } from '../output.js';
import { readMessageFile } from './fleet-requests.js';
import { checkTarget, refuseImpostor } from './report.js';

const usage =
  'czar spawn <name> (--task TEXT | --task-file F) [--scope GLOB]... [--agent NAME] [--checks NAME]... | czar spawn --cancel <name> [-c czar.yaml]';

/**
 * A worker hands part of its task to a sub-worker of its own (a child with its own worktree, branch cut from the
 * worker's tip, checks and review), or cancels one. Run from the worker's pane, it is proven to be that worker; a
 * person may cancel a child from outside the fleet's panes.
 */
export const spawnCommand: Command = {
  name: 'spawn',
  forWorkers: true,
  summary: "start a sub-worker for part of this worker's task (run by workers), or cancel one",
  usage,
  async run(args) {
    const { values, positionals } = parse(
      this,
      args,
      {
        ...CONFIG_OPTION,
        task: { type: 'string' },
        'task-file': { type: 'string' },
        scope: { type: 'string', multiple: true },
        agent: { type: 'string' },
        checks: { type: 'string', multiple: true },
        cancel: { type: 'string' },
      },
      1,
    );
    const inWorker = process.env.CZAR_WORKER !== undefined && process.env.CZAR_WORKER !== '';
    if (values.cancel !== undefined) {
      if (positionals[0] !== undefined) throw usageError(this, 'give either a name to spawn or --cancel <name>');
      if (!inWorker) {
        // Without a worker's name the cancel is the person's, and refused inside the fleet as every person's command is.
        const fleet = await fleetFrom({ name: `${this.name} --cancel` }, values.config);
        return answered(await askCzar(fleet.paths, { kind: 'cancel', worker: values.cancel }));
      }
      const me = await provenWorker();
      return answered(
        await askCzar(me.paths, { kind: 'cancel', worker: values.cancel, by: me.worker }, undefined, me.sign),
      );
    }
    const child = positionals[0];
    if (child === undefined) throw usageError(this, 'name the child to spawn');
    if ((values.task === undefined) === (values['task-file'] === undefined))
      throw usageError(this, "give the child's task with either --task TEXT or --task-file F");
    const task = values.task ?? (await readMessageFile(values['task-file'] ?? '', '--task-file'));
    if (task.trim() === '') throw usageError(this, "the child's task is empty");
    if (!inWorker)
      throw new CzarError(
        'not_a_worker',
        'CZAR_WORKER is not set: "czar spawn" is run by a worker from its own pane, and the child becomes that worker\'s; a person adds a worker to the config instead.',
      );
    const me = await provenWorker();
    const body: CzarRequestBody = {
      kind: 'spawn',
      worker: me.worker,
      signature: '',
      child,
      task,
      scope: values.scope ?? [],
      ...(values.agent === undefined ? {} : { agent: values.agent }),
      ...(values.checks === undefined ? {} : { checks: values.checks.flatMap((list) => list.split(',')) }),
    };
    return answered(await askCzar(me.paths, body, undefined, me.sign));
  },
};

/** The worker this process is, proven as `czar report` proves it: its agent's proof, run inside its worktree. */
async function provenWorker(): Promise<{
  worker: string;
  sign: (request: CzarRequest) => CzarRequest;
  paths: ReturnType<typeof statePaths>;
}> {
  const worker = process.env.CZAR_WORKER ?? '';
  const stateDir = process.env.CZAR_STATE_DIR ?? '';
  const target = await checkTarget(worker, stateDir);
  if (typeof target === 'string') throw new CzarError('not_a_worker', target);
  const paths = statePaths(stateDir);
  const impostor = await refuseImpostor(paths, worker, target);
  if (impostor !== undefined) throw new CzarError('spawn_refused', impostor.replace('report', 'command'));
  const proof = process.env[PROOF_VARIABLE] ?? '';
  // The request file carries a signature made with the proof, never the proof itself.
  const sign = (request: CzarRequest): CzarRequest =>
    ({
      ...request,
      signature: signWithProof(worker, proof, signedText(request)),
    }) as CzarRequest;
  return { worker, sign, paths };
}

function answered(result: { ok: boolean; message: string }): number {
  if (!result.ok) throw new CzarError('request_refused', result.message);
  out(result.message);
  return 0;
}
