import { z } from 'zod';

/**
 * What the launch asks of a host for one worker, sent as JSON on the stdin of `czar host-start` there: one ssh
 * session does the worktree, the private files and the tmux session, where a command each cost a dozen sessions.
 */
export const hostStartSpecSchema = z.object({
  /** The launching czar's version: a host's czar of another version refuses before it makes anything. */
  version: z.string(),
  /** The host's name in the config and the remote its clone fetches, for messages only. */
  host: z.string(),
  remote: z.string(),
  clone: z.string(),
  worktree: z.string(),
  branch: z.string(),
  base: z.string(),
  /** The fleet's tmux socket on the host, and the state dir its server is made for. */
  socket: z.string(),
  stateDir: z.string(),
  /** Folders made private to the user before any file is written. */
  folders: z.array(z.string()),
  /** Files written private to the user, only when the session is new (an adopted one keeps its own). */
  files: z.array(z.object({ path: z.string(), content: z.string() })),
  session: z.object({
    name: z.string(),
    cwd: z.string(),
    argv: z.array(z.string()).min(1),
    env: z.record(z.string(), z.string()),
    logFile: z.string(),
  }),
});
export type HostStartSpec = z.infer<typeof hostStartSpecSchema>;

/**
 * The host's answer, one JSON line on stdout: its czar's version, and what it made or why it refused (a CzarError's
 * code and sentence).
 */
export const hostStartAnswerSchema = z.union([
  z.object({
    version: z.string().max(64),
    worktree: z.enum(['reused', 'checked-out', 'created']),
    paneId: z.string().regex(/^%\d+$/),
    adopted: z.boolean(),
  }),
  z.object({
    version: z.string().max(64),
    error: z.object({ code: z.string().max(64), message: z.string().max(2000) }),
  }),
]);
export type HostStartAnswer = z.infer<typeof hostStartAnswerSchema>;
