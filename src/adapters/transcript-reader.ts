import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { DocumentReader, MAX_DOCUMENT_BYTES, type DocumentToLines } from './document-reader.js';
import { modifiedAt } from './file-system.js';
import { IncrementalLineReader, MAX_LINE_BYTES } from './line-reader.js';
import type { RecordedConversation } from '../domain/model/resume.js';

/**
 * Reading an agent's own transcripts (Claude Code transcripts, Codex rollouts, Gemini, Qwen, pi, OpenCode and Copilot
 * session files, Auggie's session documents). Two jobs read them: the usage source follows each file as it grows
 * (`supervisor/sources/transcript-file.ts`: usage, prompts, conversations), and a restart after a reboot reads them whole
 * once (`readConversations`). They differ in when they read, not in what a file says: both take their reader, their
 * limits and what a file says of its conversation from here, so a resume and the supervisor's restart see the same
 * lines and the same conversations.
 */
export const TRANSCRIPT_LIMITS = {
  /** Longest line taken (first lines too): a longer one (a huge tool result) is skipped and counted. */
  lineBytes: MAX_LINE_BYTES,
  /** Largest session document read whole (Auggie); a larger one is skipped and counted, as an overlong line is. */
  documentBytes: MAX_DOCUMENT_BYTES,
  /** Prompts kept per conversation for a resume: czar's delivery of the task is among its first. */
  conversationPrompts: 32,
  /** Newest prompts kept per worker: the delivery check needs the first since the current task was given. */
  workerPrompts: 8,
} as const;

/** What a transcript's reader offers: the lines added since the last read. */
export type TranscriptReader = Pick<IncrementalLineReader, 'read'>;

/** The reader of one transcript: appended JSONL lines, or (with `document`) a document the agent rewrites. */
export function transcriptReader(file: string, document: DocumentToLines | undefined): TranscriptReader {
  return document === undefined
    ? new IncrementalLineReader(file, TRANSCRIPT_LIMITS.lineBytes)
    : new DocumentReader(file, document, TRANSCRIPT_LIMITS.documentBytes);
}

/** How a transcript's lines name their conversation and hold a prompt. */
export interface ConversationParsers {
  readonly identity: (line: string) => { readonly id?: string; readonly cwd?: string } | undefined;
  readonly prompt: (line: string) => { readonly text: string } | undefined;
}

/** What one transcript says of its conversation, noted line by line. */
export class ConversationNotes {
  id: string | undefined;
  cwd: string | undefined;
  readonly prompts: string[] = [];
  /** When the file was last written to: the newest conversation is the one the agent was last in. */
  at = 0;

  /** Notes one line, whose prompt (if any) the caller already parsed. */
  note(identity: ConversationParsers['identity'], line: string, prompt: string | undefined): void {
    if (this.id === undefined || this.cwd === undefined) {
      const found = identity(line);
      this.id ??= found?.id;
      this.cwd ??= found?.cwd;
    }
    if (prompt !== undefined && this.prompts.length < TRANSCRIPT_LIMITS.conversationPrompts) this.prompts.push(prompt);
  }
}

/**
 * The conversations these notes hold: files of one conversation (Claude Code's subagents name their parent's
 * session) are taken together; a file that names no conversation is left out.
 */
export function joinConversations(notes: Iterable<ConversationNotes>): RecordedConversation[] {
  const byId = new Map<string, RecordedConversation>();
  for (const facts of notes) {
    if (facts.id === undefined) continue;
    const known = byId.get(facts.id);
    byId.set(facts.id, {
      id: facts.id,
      cwd: known?.cwd ?? facts.cwd,
      prompts: [...(known?.prompts ?? []), ...facts.prompts].slice(0, TRANSCRIPT_LIMITS.conversationPrompts),
      at: Math.max(known?.at ?? 0, facts.at),
    });
  }
  return [...byId.values()];
}

/** The conversations these transcripts hold, each read whole once (a restart asks, not every pass). */
export async function readConversations(
  files: readonly string[],
  parsers: ConversationParsers,
  document: DocumentToLines | undefined,
): Promise<RecordedConversation[]> {
  const notes: ConversationNotes[] = [];
  for (const file of files) {
    const facts = new ConversationNotes();
    await transcriptReader(file, document).read((line) => {
      const prompt =
        facts.prompts.length < TRANSCRIPT_LIMITS.conversationPrompts ? parsers.prompt(line)?.text : undefined;
      facts.note(parsers.identity, line, prompt);
    });
    facts.at = (await modifiedAt(file)) ?? 0;
    notes.push(facts);
  }
  return joinConversations(notes);
}

/**
 * A transcript's first line, or undefined while it has none complete (written a moment after the file is made) or
 * when it is longer than the line limit.
 */
export async function firstTranscriptLine(file: string): Promise<string | undefined> {
  const chunkBytes = 256 * 1024;
  let handle;
  try {
    // O_NONBLOCK: a FIFO planted where a transcript should be must not stall the caller.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    const chunks: Buffer[] = [];
    let bytes = 0;
    while (bytes <= TRANSCRIPT_LIMITS.lineBytes) {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, bytes);
      if (bytesRead === 0) return undefined;
      const chunk = buffer.subarray(0, bytesRead);
      const end = chunk.indexOf(0x0a);
      if (end >= 0) {
        if (bytes + end > TRANSCRIPT_LIMITS.lineBytes) return undefined;
        return Buffer.concat([...chunks, chunk.subarray(0, end)]).toString('utf8');
      }
      chunks.push(chunk);
      bytes += bytesRead;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
