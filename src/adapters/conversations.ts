import { modifiedAt } from './file-system.js';
import { DocumentReader, type DocumentToLines } from './document-reader.js';
import { IncrementalLineReader } from './line-reader.js';
import type { RecordedConversation } from '../domain/model/resume.js';

/** Prompts kept per conversation: czar's delivery of the task is among its first, and each is bounded by its parser. */
const MAX_PROMPTS = 32;

/** How to read one agent's records: the conversation a line belongs to, and the prompt a line holds. */
export interface ConversationParsers {
  readonly identity: (line: string) => { readonly id?: string; readonly cwd?: string } | undefined;
  readonly prompt: (line: string) => { readonly text: string } | undefined;
  /** The records are documents the agent rewrites, read as these lines (`DocumentReader`). */
  readonly document?: DocumentToLines;
}

/**
 * The conversations these record files hold, read whole once (a restart asks, not every pass). Files of one
 * conversation (Claude Code's subagents name their parent's session) are taken together; a file that names no
 * conversation is left out.
 */
export async function readConversations(
  files: readonly string[],
  parsers: ConversationParsers,
): Promise<RecordedConversation[]> {
  const byId = new Map<string, RecordedConversation>();
  for (const file of files) {
    let id: string | undefined;
    let cwd: string | undefined;
    const prompts: string[] = [];
    const reader =
      parsers.document === undefined ? new IncrementalLineReader(file) : new DocumentReader(file, parsers.document);
    await reader.read((line) => {
      if (id === undefined || cwd === undefined) {
        const facts = parsers.identity(line);
        id ??= facts?.id;
        cwd ??= facts?.cwd;
      }
      if (prompts.length >= MAX_PROMPTS) return;
      const prompt = parsers.prompt(line);
      if (prompt !== undefined) prompts.push(prompt.text);
    });
    if (id === undefined) continue;
    const at = (await modifiedAt(file)) ?? 0;
    const known = byId.get(id);
    byId.set(id, {
      id,
      cwd: known?.cwd ?? cwd,
      prompts: [...(known?.prompts ?? []), ...prompts].slice(0, MAX_PROMPTS),
      at: Math.max(known?.at ?? 0, at),
    });
  }
  return [...byId.values()];
}
