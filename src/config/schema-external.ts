import * as z from 'zod';

import { parseSshTarget } from '../domain/model/host-layout.js';
import { duration, name, quoted } from './schema-fields.js';

/** Written sections that reach beyond the repository: the notify command, SSH hosts and pull requests. */

export const notifySchema = z
  .strictObject({ command: z.string().min(1), args: z.array(z.string()).optional() })
  .meta({ description: 'Command that receives each alert as JSON on stdin.' });

export const hostSchema = z
  .strictObject({
    name: name('host name').meta({ description: 'Name that workers[].host uses.' }),
    ssh: z
      .string()
      .refine((text) => parseSshTarget(text) !== undefined, {
        error: (issue) =>
          `${quoted(issue.input)} is not an ssh destination; write user@host, user@host:port or a Host alias from your ssh config.`,
      })
      .meta({ description: 'user@host[:port] or a Host alias from the ssh config.' }),
    worktrees: z
      .string()
      .regex(/^\//, {
        error: (issue) =>
          `${quoted(issue.input)} is not an absolute path; write the folder on the host in full, e.g. /srv/czar.`,
      })
      .meta({ description: "Absolute folder on the host for czar's clone and the workers' worktrees." }),
    max_workers: z.number().int().min(1).max(256).meta({ description: 'At most this many workers on the host.' }),
    ssh_config: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'ssh config file passed as ssh -F, relative to czar.yaml.' }),
    remote: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The git remote the host clones and pushes to (default origin).' }),
  })
  .meta({ description: 'A machine reached over SSH that runs some of the workers.' });

export const prSchema = z
  .strictObject({
    remote: z.string().min(1).optional().meta({ description: 'Remote branches are pushed to (default origin).' }),
    when: z
      .enum(['verified', 'integrated', 'off'])
      .optional()
      .meta({ description: 'When a pull request is opened per branch (default off).' }),
    draft: z.boolean().optional().meta({ description: 'Open pull requests as drafts (default true).' }),
    comments_every: duration
      .optional()
      .meta({ description: "How often an open pull request's comments are read and sent to its worker (default 1m)." }),
  })
  .meta({ description: 'Pull requests through gh.' });
