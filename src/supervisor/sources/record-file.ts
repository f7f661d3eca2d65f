import { DocumentReader } from '../../adapters/document-reader.js';
import { IncrementalLineReader } from '../../adapters/line-reader.js';
import type { IdentityParser } from '../../agents/resume.js';
import type { AgentRecords } from '../../agents/usage-records.js';
import type { RecordedConversation } from '../../domain/model/resume.js';
import { UsageTally } from '../../domain/usage/usage-tally.js';
import { addUsage, EMPTY_USAGE, taskAt, type UsageParser, type WorkerUsage } from '../../domain/usage/usage.js';

/** Recorded prompts kept per worker: the delivery check needs the first since the current task was given. */
export const MAX_PROMPTS = 8;
/** Prompts kept per conversation for a restart: czar's delivery of the task is among its first. */
const MAX_CONVERSATION_PROMPTS = 32;

/** What one record file says of its conversation, for a restart that may resume it. */
interface ConversationFacts {
  id: string | undefined;
  cwd: string | undefined;
  prompts: string[];
  /** When a line was last read from it: the newest conversation is the one the agent was last in. */
  at: number;
}

/** The worker's side of a record file: its tasks (to attribute lines) and how its lines name their conversation. */
export interface RecordSubject {
  readonly tasks: readonly { readonly id: string; readonly at: number }[];
  readonly identity?: IdentityParser | undefined;
}

/** One record file followed from its last offset, with what it contributed so far. */
export class RecordFile {
  private reader: Pick<IncrementalLineReader, 'read'>;
  private parse: UsageParser;
  private tally = new UsageTally();
  usage: WorkerUsage = { ...EMPTY_USAGE, files: 1 };
  conversation: ConversationFacts = { id: undefined, cwd: undefined, prompts: [], at: 0 };
  /** The file was not in its folder at the last listing. */
  gone = false;

  constructor(
    readonly file: string,
    private readonly records: AgentRecords,
  ) {
    this.reader =
      records.places.kind === 'documents'
        ? new DocumentReader(file, records.places.lines)
        : new IncrementalLineReader(file);
    this.parse = records.format();
  }

  /** Reads what was appended; true when the file's usage or its conversation facts changed. */
  async poll(subject: RecordSubject, now: number): Promise<boolean> {
    const before = this.usage;
    let usage = before;
    let skipped = 0;
    let read = false;
    const result = await this.reader.read(
      (line) => {
        read = true;
        const prompt = this.records.prompts(line);
        if (prompt !== undefined) usage = { ...usage, prompts: [...(usage.prompts ?? []), prompt].slice(-MAX_PROMPTS) };
        this.noteConversation(subject.identity, line, prompt?.text);
        const parsed = this.parse(line);
        if (parsed === 'none') return;
        if (parsed === 'malformed') {
          skipped += 1;
          return;
        }
        const tokens = this.tally.add(parsed);
        const at = parsed.at ?? now;
        const task = taskAt(subject.tasks, at);
        if (task !== undefined) usage = addUsage(usage, task, parsed.model, tokens, at);
      },
      () => {
        // Shrunk or replaced: what the old file said no longer stands; count the new one from its start.
        this.tally = new UsageTally();
        this.parse = this.records.format();
        usage = { ...EMPTY_USAGE, files: 1 };
        this.conversation = { id: undefined, cwd: undefined, prompts: [], at: 0 };
      },
    );
    if (read && subject.identity !== undefined) this.conversation.at = now;
    if (skipped === 0 && result.oversized === 0 && usage === before) return read && subject.identity !== undefined;
    this.usage = { ...usage, skippedLines: usage.skippedLines + skipped + result.oversized };
    return true;
  }

  private noteConversation(identity: IdentityParser | undefined, line: string, prompt: string | undefined): void {
    if (identity === undefined) return;
    const facts = this.conversation;
    if (facts.id === undefined || facts.cwd === undefined) {
      const found = identity(line);
      facts.id ??= found?.id;
      facts.cwd ??= found?.cwd;
    }
    if (prompt !== undefined && facts.prompts.length < MAX_CONVERSATION_PROMPTS) facts.prompts.push(prompt);
  }
}

/**
 * The conversations a worker's record files hold: files of one conversation (Claude Code's subagents name their
 * parent's session) are taken together; a file that names no conversation is left out.
 */
export function conversationsOf(files: Iterable<RecordFile>): RecordedConversation[] {
  const byId = new Map<string, RecordedConversation>();
  for (const { conversation: facts, gone } of files) {
    if (facts.id === undefined || gone) continue;
    const known = byId.get(facts.id);
    byId.set(facts.id, {
      id: facts.id,
      cwd: known?.cwd ?? facts.cwd,
      prompts: [...(known?.prompts ?? []), ...facts.prompts].slice(0, MAX_CONVERSATION_PROMPTS),
      at: Math.max(known?.at ?? 0, facts.at),
    });
  }
  return [...byId.values()];
}
