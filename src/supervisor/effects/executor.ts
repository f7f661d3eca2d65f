import { presetOf } from '../../agents/index.js';
import type { GivenTask } from '../../domain/model/model.js';
import type { Action } from '../../domain/policy/actions.js';
import type { WorkerSpec } from '../../domain/model/config-types.js';
import type { Fleet } from '../../fleet/handle.js';
import { tmuxFor } from '../../fleet/panes.js';
import { placeOf } from '../../fleet/place.js';
import { deliverToWorker, sendToWorker } from '../../launch/launcher.js';
import { initialPrompt, integrationFixupMessage, restartBrief, restartedMessage } from '../../launch/prompts.js';
import { renderHandOver } from '../../domain/learning/hand-over-text.js';
import { rerouteWorker } from '../../fleet/routes.js';
import { noteRestartStart } from '../../launch/conversation-start.js';
import type { RestartStart } from '../../domain/model/resume.js';
import { failureSummary } from '../../domain/policy/integration-plan.js';
import { CheckSlots } from '../sources/check-slots.js';
import { CheckSource } from '../sources/checks.js';
import { ReviewSource } from '../sources/reviews.js';
import { RequestReplies } from './request-replies.js';
import { logOnly } from './log-only.js';
import { childEffect } from './child-effects.js';
import { pasteOrSkip } from './paste-gate.js';
import { PasteWindow } from './paste-window.js';
import { launchPlanned, paneOf, respawnAgent } from './worker-session.js';
import { WorkerQueues } from './worker-queues.js';

/** What the executor tells the loop after an effect, so the model learns what really happened. */
export interface EffectHooks {
  /** `pastedAt`: the task's first paste, the earliest the agent could act on it (and write its usage). */
  delivered(worker: string, at: number, taskId: string, pastedAt: number): void;
  launched(worker: string, paneId: string): void;
  /** The agent was started again in its pane: the dead pane the model last saw is history. */
  respawned(worker: string, at: number): void;
  /** An action for the worker failed: its message says how. */
  failed(worker: string, message: string): void;
  settled(): void;
  /** The check or review source has news (it reaches the model when the loop polls its sources). */
  checked(): void;
  /** The person asked the czar to stop. */
  stop(): void;
  /** Start an integration run for these merges. */
  integrate(merges: string): void;
  /** Announce the sprint's end (`summary`: each worker's state), write the handoff and open its pull request if asked. */
  endSprint(summary: string, pullRequest: boolean): void;
  /** Open these workers' pull requests and post the reviewers' verdicts. */
  openPullRequests(workers: readonly string[]): void;
  /** The words of a task were written as it was pasted (an integration fix-up's, from its template). */
  written(worker: string, taskId: string, text: string): void;
  /** The worker's task was handed to another agent: this is its spec now. */
  handedOver(worker: string, spec: WorkerSpec): void;
}

/** Carries out the policy's actions, each worker's in its own queue (`WorkerQueues`). */
export class Executor {
  private readonly queues: WorkerQueues;
  readonly checks: CheckSource;
  readonly reviews: ReviewSource;
  readonly replies: RequestReplies;

  constructor(
    private readonly fleet: Fleet,
    private readonly hooks: EffectHooks,
    /** The fleet's check slots, shared with the integration's checks. */
    slots = new CheckSlots(fleet.config.policy.checkConcurrency),
    /** Every paste is counted in flight here, for the git work beside the passes (and for a task, the passes) to give way to. */
    private readonly pastes = new PasteWindow(),
  ) {
    this.queues = new WorkerQueues(() => hooks.settled());
    this.checks = new CheckSource(fleet, slots, () => hooks.checked());
    this.reviews = new ReviewSource(fleet, slots, () => hooks.checked());
    this.replies = new RequestReplies(fleet);
  }

  /** True while an effect is queued or running for the worker (the loop holds new pastes until it is free). */
  busy(worker: string): boolean {
    return this.queues.busy(worker);
  }

  /**
   * Resolves once no task delivery is in flight, or every one began GIVE_WAY_MS ago: a worker waiting for its next
   * task gets the czar's loop first, and the pass work after it (status.json, the next passes) waits behind it.
   */
  async tasksGiveWay(): Promise<void> {
    await this.pastes.giveWay('tasks');
  }

  apply(action: Action): void {
    if (logOnly(this.fleet, action)) return;
    if (action.kind === 'reply') {
      this.replies.write(action);
      return;
    }
    if (action.worker === undefined) {
      if (action.kind === 'integrate') this.hooks.integrate(action.merges);
      else if (action.kind === 'end_sprint') this.hooks.endSprint(action.summary, action.pullRequest);
      else if (action.kind === 'open_pull_requests') this.hooks.openPullRequests(action.workers);
      else if (action.kind === 'restart_door') this.restartDoor(action);
      else this.hooks.stop();
      return;
    }
    if (action.kind === 'spawn' || action.kind === 'cancel_child' || action.kind === 'tell_parent') {
      this.replies.asked(action.worker, this.queues.enqueue(action.worker, childEffect(this.fleet, action)));
      return;
    }
    const spec = this.spec(action.worker);
    const log = (kind: string, message: string, data?: Record<string, unknown>): Promise<unknown> =>
      this.fleet.log.emit(kind, message, action.worker, data);
    switch (action.kind) {
      case 'answer':
        void log('auto_answer', `sent ${action.keys.join(' ')}: ${action.reason}`);
        this.track(spec, async () => tmuxFor(this.fleet, spec).sendKeys(await paneOf(this.fleet, spec), action.keys));
        return;
      case 'interrupt': {
        const keys = presetOf(spec.agent).interruptKeys;
        void log('interrupt', `sent ${keys.join(' ')}: ${action.reason}`);
        // Not queued behind a paste in progress: spending must stop now, and a key cannot garble a paste's text.
        void paneOf(this.fleet, spec)
          .then((pane) => this.fleet.tmux.pressKeys(pane, keys))
          .catch((error: unknown) =>
            this.fleet.log.emit(
              'action_failed',
              `interrupt failed: ${error instanceof Error ? error.message : String(error)}`,
              spec.name,
            ),
          );
        return;
      }
      case 'launch':
        void log('launch', `launching: ${action.reason}`);
        this.track(spec, async () => {
          const { record, agentStartedAt } = await launchPlanned(this.fleet, spec);
          this.hooks.launched(spec.name, record.paneId);
          const prompt = await initialPrompt(this.fleet.config, spec, action.dependencies);
          await this.deliverTask(spec, record.paneId, prompt, action.task.id, agentStartedAt);
        });
        return;
      case 'deliver_task':
        void log('deliver_task', action.reason);
        this.track(
          spec,
          async () =>
            this.deliverTask(
              spec,
              await paneOf(this.fleet, spec),
              await initialPrompt(this.fleet.config, spec, action.dependencies),
              action.task.id,
            ),
          'task',
        );
        return;
      case 'bonus':
        void log('bonus', `gave bonus task "${action.task.title}" (${action.task.id}): ${action.reason}`, {
          task: action.task.id,
        });
        this.track(
          spec,
          async () =>
            pasteOrSkip(this.fleet, spec, action, (text, pane) => this.deliverTask(spec, pane, text, action.task.id)),
          'task',
        );
        return;
      case 'rebrief':
        void log('rebrief', `pasted the task again: ${action.reason}`);
        this.track(
          spec,
          async () =>
            pasteOrSkip(this.fleet, spec, action, (text, pane) => this.deliverTask(spec, pane, text, action.task.id)),
          'task',
        );
        return;
      case 'restart':
        if (action.cause === 'person') {
          void log('restart', 'restart asked by the person');
          this.replies.asked(
            spec.name,
            this.queues.enqueue(spec.name, () => this.restart(spec, action.task, action.start)),
          );
          return;
        }
        void log('restart', `restart ${action.attempt} (${action.cause}): ${action.reason}`, {
          attempt: action.attempt,
        });
        this.track(spec, async () => this.restart(spec, action.task, action.start));
        return;
      case 'hand_over':
        void log('handed_over', action.reason, { from: action.from, to: action.to });
        this.track(spec, async () => this.handOver(spec.name, action));
        return;
      case 'send':
        void log('send', `message from the person (${Buffer.byteLength(action.text)} bytes)`);
        this.replies.asked(
          spec.name,
          this.queues.enqueue(spec.name, () => pasteOrSkip(this.fleet, spec, action, (text) => this.send(spec, text))),
        );
        return;
      case 'comments':
        void log('comments', action.reason);
        this.track(spec, async () => pasteOrSkip(this.fleet, spec, action, (text) => this.send(spec, text)));
        return;
      case 'integration_fixup':
        void log('fixup', `gave fix-up ${action.task}: ${failureSummary(action.failure)}`, { task: action.task });
        this.track(spec, async () => {
          const text = await integrationFixupMessage(this.fleet.config, spec, action.failure);
          this.hooks.written(spec.name, action.task, text);
          await this.deliverTask(spec, await paneOf(this.fleet, spec), text, action.task);
        });
        return;
      case 'run_checks':
        void log('run_checks', action.reason, { sha: action.sha });
        this.checks.request(spec, action.sha);
        return;
      case 'run_review':
        void log('run_review', action.reason, { sha: action.sha, round: action.round });
        this.reviews.request(spec, action.sha, action.round, action.again === true);
        return;
      case 'nudge':
      case 'realign':
      case 'fixup':
      case 'review_fixup':
      case 'warn_conflict':
      case 'warn_moved':
        void log(action.kind, action.reason);
        this.track(spec, async () => pasteOrSkip(this.fleet, spec, action, (text) => this.send(spec, text)));
        return;
      case 'tell_dependents':
        for (const dependent of action.dependents) {
          const target = this.spec(dependent);
          void this.fleet.log.emit(
            'tell_dependent',
            `told ${dependent} that ${action.worker} is done: ${action.reason}`,
            action.worker,
          );
          this.track(target, async () => pasteOrSkip(this.fleet, target, action, (text) => this.send(target, text)));
        }
        return;
    }
  }

  /** Starts a network door again through the place of a boxed worker it serves; a failure is said, and asked again. */
  private restartDoor(action: Extract<Action, { kind: 'restart_door' }>): void {
    void placeOf(this.fleet, this.spec(action.via))
      .keepNetDoor()
      .catch((error: unknown) =>
        this.fleet.log.emit(
          'action_failed',
          `the network door${action.where} did not start: ${error instanceof Error ? error.message : String(error)}; czar tries again`,
        ),
      );
  }

  /**
   * Respawns the agent in the same worktree (uncommitted work stays): in its own conversation, told only that it was
   * restarted, or afresh with its current task pasted again, as `decide()` chose. A session that is gone altogether is
   * created anew on the same worktree.
   */
  async restart(spec: WorkerSpec, task: GivenTask, start: RestartStart, opening?: string): Promise<void> {
    await noteRestartStart(this.fleet, spec.name, start);
    const agentStartedAt = Date.now();
    const { paneId, created } = await respawnAgent(this.fleet, spec, start.kind === 'resume' ? start.id : undefined);
    if (created) this.hooks.launched(spec.name, paneId);
    this.hooks.respawned(spec.name, Date.now());
    const text =
      start.kind === 'resume'
        ? await restartedMessage(this.fleet.config, spec, task)
        : await restartBrief(this.fleet.config, spec, task);
    await this.deliverTask(
      spec,
      paneId,
      opening === undefined ? text : `${opening}\n\n${text}`,
      task.id,
      agentStartedAt,
    );
  }

  /**
   * Hands the task to another agent: the route is saved, the old agent's program is stopped as the new one starts in
   * the same pane and worktree (its uncommitted work stays), and the task is pasted afresh after what failed.
   */
  private async handOver(worker: string, action: Extract<Action, { kind: 'hand_over' }>): Promise<void> {
    const spec = await rerouteWorker(this.fleet, worker, action.to, action.reason);
    this.hooks.handedOver(worker, spec);
    const opening = action.brief ? renderHandOver(worker, action.evidence) : undefined;
    await this.restart(spec, action.task, { kind: 'fresh', why: `handed over from ${action.from}` }, opening);
  }

  async send(spec: WorkerSpec, text: string): Promise<void> {
    await this.pastes.around(async () => sendToWorker(this.fleet, spec, await paneOf(this.fleet, spec), text));
  }

  /** `agentStartedAt`: czar has just started the agent (a launch, a restart). */
  private async deliverTask(spec: WorkerSpec, paneId: string, text: string, taskId: string, agentStartedAt?: number) {
    const { pastedAt } = await this.pastes.around(() =>
      deliverToWorker(this.fleet, spec, paneId, text, taskId, { agentStartedAt }),
    );
    this.hooks.delivered(spec.name, Date.now(), taskId, pastedAt);
  }

  /** `task`: a task delivery, counted as a paste in flight from the action on, while it waits in the queue too. */
  private track(spec: WorkerSpec, effect: () => Promise<void>, kind?: 'task'): void {
    const queued = this.queues.enqueue(spec.name, effect);
    void (kind === 'task' ? this.pastes.around(() => queued, 'task') : queued).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.hooks.failed(spec.name, message);
      void this.fleet.log.emit('action_failed', message, spec.name);
    });
  }

  private spec(name: string): WorkerSpec {
    const spec = this.fleet.config.workers.find((worker) => worker.name === name);
    if (spec === undefined) throw new Error(`unknown worker ${name}`);
    return spec;
  }
}
