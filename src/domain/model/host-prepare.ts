import * as z from 'zod';
import { ERROR_CODE_NAMES } from './error-codes.js';

/** What one worker needs made on its host before its agent starts there. */
const hostWorkerSpecSchema = z.object({
  /** The worker's tmux session there (its name). */
  session: z.string(),
  worktree: z.string(),
  branch: z.string(),
  /** Files written private to the user, only when the worker has no session there yet (one kept keeps its own). */
  files: z.array(z.object({ path: z.string(), content: z.string() })),
  /** Present when the worker asks for a box (`sandbox: on|required`): made on the host when its engine works. */
  box: z
    .object({
      mode: z.enum(['on', 'required']),
      /** The agent's preset: which of its files in the host's home its private home gets. */
      preset: z.string(),
      /** What the agent runs boxed (its no-approval mode added), and the variables that mode sets. */
      argv: z.array(z.string()).min(1),
      env: z.record(z.string(), z.string()),
      /** Its agent's private folder (writable), its private home, and the folders hidden from it (its siblings'). */
      agentDir: z.string(),
      home: z.string(),
      hidden: z.array(z.string()),
      /** The texts naming its model endpoint: the URLs in its environment and arguments, all its door opens. */
      endpoints: z.array(z.string()),
    })
    .optional(),
});

/**
 * What a launch asks of a host, sent as JSON on the stdin of `czar host-prepare` there: one ssh session fetches the
 * host's clone and makes the worktrees and private files of all the host's workers in the launch (a node process and a
 * push each cost more than the agent's own start), and each agent's session is then started through the host's tmux
 * control client.
 */
export const hostPrepareSpecSchema = z.object({
  /** The launching czar's version: a host's czar of another version refuses before it makes anything. */
  version: z.string(),
  /** The host's name in the config and the remote its clone fetches, for messages only. */
  host: z.string(),
  remote: z.string(),
  /** The remote's URL, which the host's clone is made from the first time (and fetched every time). */
  url: z.string(),
  clone: z.string(),
  base: z.string(),
  /** The fleet's state dir on the host: a boxed worker sees its door there instead. */
  stateDir: z.string(),
  /** The fleet's tmux socket on the host, asked which workers have a session there already. */
  socket: z.string(),
  /** Folders made private to the user before any file is written. */
  folders: z.array(z.string()),
  workers: z.array(hostWorkerSpecSchema).min(1),
});
export type HostPrepareSpec = z.infer<typeof hostPrepareSpecSchema>;
export type HostWorkerSpec = z.infer<typeof hostWorkerSpecSchema>;

// A code this czar does not know (a host on another version says so first) still carries the host's sentence.
const refusal = z.object({
  code: z.enum(ERROR_CODE_NAMES).catch('host_prepare_failed'),
  message: z.string().max(2000),
});
/** Why a host did not make what it was asked: a CzarError's code and sentence. */
export type HostRefusal = z.infer<typeof refusal>;

/** What a host made for one worker, or why not. */
const hostWorkerAnswerSchema = z.union([
  z.object({
    session: z.string().max(200),
    worktree: z.enum(['reused', 'checked-out', 'created']),
    /** A session of that name runs there already: it is adopted, and its files were left as they were. */
    running: z.boolean(),
    /** For a worker that asked for a box: the argv its session runs boxed, or why it runs unboxed (`on`). */
    box: z
      .union([
        z.object({ kind: z.literal('boxed'), argv: z.array(z.string()).max(1000) }),
        z.object({ kind: z.literal('unboxed'), why: z.string().max(2000) }),
      ])
      .optional(),
  }),
  z.object({ session: z.string().max(200), error: refusal }),
]);
export type HostWorkerAnswer = z.infer<typeof hostWorkerAnswerSchema>;

/**
 * The host's answer, one JSON line on stdout: its czar's version, and per worker what it made or why it refused (a
 * CzarError's code and sentence), or why it refused them all. `path` is the PATH of an ssh session there, which the
 * agents' sessions get, as they would from a tmux client started there.
 */
export const hostPrepareAnswerSchema = z.union([
  z.object({
    version: z.string().max(64),
    path: z
      .string()
      .max(8192)
      .regex(/^[^\p{Cc}]*$/u),
    workers: z.array(hostWorkerAnswerSchema).max(1000),
  }),
  z.object({ version: z.string().max(64), error: refusal }),
]);
export type HostPrepareAnswer = z.infer<typeof hostPrepareAnswerSchema>;
