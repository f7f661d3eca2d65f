/**
 * The most czar pastes as one task or `czar send --file` message. A bracketed paste of this size takes an agent's
 * TUI seconds to take in (a 200 KB task is tested end to end); beyond it the detail belongs in files the worker reads.
 */
export const MAX_TASK_BYTES = 1024 * 1024;

/** Largest result file the czar copies: a summary for people and dependents, not an artefact store. */
export const MAX_RESULT_BYTES = 256 * 1024;

/** A person's review comment (`czar comment`): its text, and the path it names. */
export const MAX_COMMENT_CHARS = 4000;
export const MAX_COMMENT_FILE = 300;
/** The highest line a comment may name: far past any source file, and a safe integer in every reader. */
export const MAX_COMMENT_LINE = 10_000_000;
/** Comments that may wait for one worker's turn to end; more is a person who should send a file instead. */
export const MAX_WAITING_COMMENTS = 50;
