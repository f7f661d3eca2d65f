import { promptDifference } from './delivery-check.js';
import { visible } from './sanitize.js';

/**
 * Whether a restarted agent continues its own conversation or starts afresh. Resuming keeps everything the agent had
 * read and decided, so it gets a short note instead of its whole task; but a conversation that is not provably this
 * worker's (another folder, another task, a hand-made session) would give it someone else's past, so anything czar
 * cannot tell falls back to a fresh start with the whole task.
 */

/** One conversation as the agent's own records show it. */
export interface RecordedConversation {
  readonly id: string;
  /** The folder the agent recorded it in; undefined when its records do not say. */
  readonly cwd: string | undefined;
  /** The prompts it holds, in order (bounded by the reader). */
  readonly prompts: readonly string[];
  /** When its records were last written (epoch ms): the newest is the one the agent was last in. */
  readonly at: number;
}

export interface RestartFacts {
  /** The person asked for a fresh start (`czar restart --fresh`). */
  readonly fresh: boolean;
  /** The agent's preset name, and whether it can resume a conversation at all. */
  readonly preset: string;
  readonly resumable: boolean;
  /** Whether its agent's records are on this disk (`onThisDisk`): on an SSH host they are out of czar's reach. */
  readonly onThisDisk: boolean;
  /** Where it runs, for the reason (`placeWhere`). */
  readonly where: string;
  readonly worktree: string;
  /** The text of the task the worker is on, as czar gave it: the conversation must hold it. */
  readonly task: string;
  /** The conversation the agent's hooks last named, if any: preferred over the newest. */
  readonly named: string | undefined;
  readonly conversations: readonly RecordedConversation[];
}

export type RestartStart =
  | { readonly kind: 'resume'; readonly id: string; readonly why: string }
  | { readonly kind: 'fresh'; readonly why: string };

/**
 * A conversation id becomes an argument of the agent's command line: only a plain id (UUIDs, `ses_…`), never
 * anything that could read as an option.
 */
export const CONVERSATION_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Whether a recorded conversation is this worker's: held in its worktree. A restart resumes only such a one, and the
 * delivery check reads prompts only from such a one (another worker's conversation holds another task).
 */
export function heldInWorktree(conversation: { readonly cwd: string | undefined }, worktree: string): boolean {
  return conversation.cwd === worktree;
}

/** Resume this worker's newest conversation (or the one its hooks named) when it holds its task; fresh otherwise. */
export function restartStart(facts: RestartFacts): RestartStart {
  if (facts.fresh) return { kind: 'fresh', why: 'the person asked for a fresh start' };
  if (!facts.onThisDisk)
    return { kind: 'fresh', why: `its agent runs${facts.where}, whose records czar does not read to resume` };
  if (!facts.resumable) return { kind: 'fresh', why: `the ${facts.preset} agent cannot resume a conversation` };
  if (facts.task.trim() === '') return { kind: 'fresh', why: "its task's text is not written yet" };
  const own = facts.conversations.filter((conversation) => heldInWorktree(conversation, facts.worktree));
  if (own.length === 0) {
    const elsewhere = facts.conversations.length;
    return {
      kind: 'fresh',
      why:
        elsewhere === 0
          ? "no conversation of this worker is in its agent's records"
          : `none of the ${elsewhere} conversation(s) in its agent's records was held in its worktree ${facts.worktree}`,
    };
  }
  const newest = [...own].sort((a, b) => b.at - a.at)[0] as RecordedConversation;
  const chosen = own.find((conversation) => conversation.id === facts.named) ?? newest;
  const id = visible(chosen.id.slice(0, 140));
  if (!CONVERSATION_ID.test(chosen.id)) return { kind: 'fresh', why: `conversation "${id}" has no plain id` };
  if (!chosen.prompts.some((prompt) => promptDifference(facts.task, prompt) === undefined))
    return { kind: 'fresh', why: `conversation ${id} does not hold the task czar gave this worker` };
  return { kind: 'resume', id: chosen.id, why: `conversation ${id} was held in its worktree and holds its task` };
}
