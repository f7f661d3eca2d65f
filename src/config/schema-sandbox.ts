import * as z from 'zod';
import { SANDBOX_MODES, SANDBOX_PROMPTS } from '../domain/model/box.js';
import { quoted } from './schema-fields.js';

/** The written `sandbox:` (fleet-wide or per worker): a mode, or the long form with what the box lets through. */

const HOST_PORT =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\]):(?:[1-9][0-9]{0,4})$/;

const mode = z.enum(SANDBOX_MODES).meta({
  description:
    'off (default): no box; on: box the worker where bubblewrap is found, else run it unboxed and say so; required: refuse to launch without a box.',
});

export const sandboxSchema = z
  .union([
    mode,
    z.strictObject({
      mode,
      allow_hosts: z
        .array(
          z.string().refine((text) => HOST_PORT.test(text) && Number(text.slice(text.lastIndexOf(':') + 1)) <= 65535, {
            error: (issue) =>
              `${quoted(issue.input)} is not a host:port; write e.g. registry.npmjs.org:443 (a name or [IPv6], and a port from 1 to 65535).`,
          }),
        )
        .optional()
        .meta({ description: "host:port pairs the boxed worker may reach besides its agent's model endpoint." }),
      writable: z
        .array(z.string().min(1))
        .optional()
        .meta({ description: 'Folders the boxed worker may write besides its own (relative to czar.yaml).' }),
      prompts: z.enum(SANDBOX_PROMPTS).optional().meta({
        description:
          "skip (default): a boxed agent starts in its no-approval mode (Claude Code's bypass mode, Codex's full access, Gemini's YOLO), the box being the boundary; keep: as its args and settings say.",
      }),
    }),
  ])
  .meta({ description: 'Run the worker (its agent, checks and reviewer) in a box of its own (bubblewrap on Linux).' });

export type WrittenSandbox = z.infer<typeof sandboxSchema>;
