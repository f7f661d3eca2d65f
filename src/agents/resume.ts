/** What one record line says about the conversation it belongs to (its id, the folder it was held in). */
export interface ConversationIdentity {
  readonly id?: string;
  readonly cwd?: string;
}

/** Reads a record line's identity facts, if it has any; never throws (records are the agent's, untrusted). */
export type IdentityParser = (line: string) => ConversationIdentity | undefined;

/** How an agent continues a conversation it recorded, and how czar tells which conversation a record holds. */
export interface AgentResume {
  /** Appended to the agent's command line to continue conversation `id` (a plain id, see `CONVERSATION_ID`). */
  args(id: string): readonly string[];
  /** The identity parser for records of an agent started in `worktree`. */
  identity(worktree: string): IdentityParser;
}
