import {
  ConversationNotes,
  joinConversations,
  TRANSCRIPT_LIMITS,
  transcriptReader,
  type TranscriptReader,
} from '../../adapters/transcript-reader.js';
import type { IdentityParser } from '../../agents/resume.js';
import type { AgentTranscripts } from '../../agents/transcripts.js';
import type { RecordedConversation } from '../../domain/model/resume.js';
import { UsageTally } from '../../domain/usage/usage-tally.js';
import { addUsage, EMPTY_USAGE, taskAt, type UsageParser, type WorkerUsage } from '../../domain/usage/usage.js';

/** The worker's side of a transcript: its tasks (to attribute lines) and how its lines name their conversation. */
export interface TranscriptSubject {
  readonly tasks: readonly { readonly id: string; readonly at: number }[];
  readonly identity?: IdentityParser | undefined;
}

/** One transcript followed from its last offset, with what it contributed so far. */
export class TranscriptFile {
  private reader: TranscriptReader;
  private parse: UsageParser;
  private tally = new UsageTally();
  usage: WorkerUsage = { ...EMPTY_USAGE, files: 1 };
  /** What it says of its conversation; `at` is when a line was last read from it. */
  conversation = new ConversationNotes();
  /** The file was not in its folder at the last listing. */
  gone = false;

  constructor(
    readonly file: string,
    private readonly transcripts: AgentTranscripts,
  ) {
    this.reader = transcriptReader(
      file,
      transcripts.places.kind === 'documents' ? transcripts.places.lines : undefined,
    );
    this.parse = transcripts.format();
  }

  /** Reads what was appended; true when the file's usage or its conversation facts changed. */
  async poll(subject: TranscriptSubject, now: number): Promise<boolean> {
    const before = this.usage;
    let usage = before;
    let skipped = 0;
    let read = false;
    const result = await this.reader.read(
      (line) => {
        read = true;
        const prompt = this.transcripts.prompts(line);
        if (prompt !== undefined)
          usage = { ...usage, prompts: [...(usage.prompts ?? []), prompt].slice(-TRANSCRIPT_LIMITS.workerPrompts) };
        if (subject.identity !== undefined) this.conversation.note(subject.identity, line, prompt?.text);
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
        this.parse = this.transcripts.format();
        usage = { ...EMPTY_USAGE, files: 1 };
        this.conversation = new ConversationNotes();
      },
    );
    if (read && subject.identity !== undefined) this.conversation.at = now;
    if (skipped === 0 && result.oversized === 0 && usage === before) return read && subject.identity !== undefined;
    this.usage = { ...usage, skippedLines: usage.skippedLines + skipped + result.oversized };
    return true;
  }
}

/** The conversations a worker's transcripts hold; a file gone from its folder can no longer be resumed. */
export function conversationsOf(files: Iterable<TranscriptFile>): RecordedConversation[] {
  return joinConversations([...files].flatMap((file) => (file.gone ? [] : [file.conversation])));
}
