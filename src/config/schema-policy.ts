import * as z from 'zod';
import { duration, quoted } from './schema-fields.js';

/** The written `policy:` section with its budgets, and `prices:` entries. */

export const autoAnswerSchema = z.strictObject({
  match: z.string().min(1).meta({ description: 'Regular expression tested against the pane screen.' }),
  send: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .meta({ description: 'tmux key names to send, e.g. [y, Enter].' }),
});

const tokenCount = z
  .union([
    z.number().int().positive(),
    z.string().regex(/^\d+(?:\.\d+)?[kKmM]?$/, {
      error: (issue) => `${quoted(issue.input)} is not a token count; write e.g. 500k, 5M or 2000000.`,
    }),
  ])
  .meta({ description: 'A number of tokens such as 500k, 5M or 2000000 (cached tokens count too).' });

const limits = z
  .strictObject({
    usd: z.number().positive().optional().meta({ description: 'US dollars, priced with the price table.' }),
    tokens: tokenCount.optional(),
  })
  .meta({ description: 'Spending limits: an alert at 80%, at 100% the work stops until you raise it or resume.' });

export const budgetSchema = z
  .strictObject({
    worker: limits
      .optional()
      .meta({ description: 'Per worker: at 100% its turn is interrupted and it is marked over_budget.' }),
    fleet: limits.optional().meta({ description: 'For the whole fleet: at 100% bonus tasks are held.' }),
  })
  .meta({ description: "Budgets read from the agents' own usage records." });

const perMillion = z.number().nonnegative();
export const priceSchema = z
  .strictObject({
    input: perMillion,
    output: perMillion,
    cache_write: perMillion.optional(),
    cache_read: perMillion.optional(),
  })
  .meta({ description: 'US dollars per million tokens; cache prices default to 0.' });

export const policySchema = z
  .strictObject({
    launch_concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'Agents starting at once, each until it is ready for its task (default 4).' }),
    launch_stagger: duration.optional(),
    idle_after: duration
      .optional()
      .meta({ description: 'Quiet and not working for this long means idle (default 90s).' }),
    stuck_after: duration.optional().meta({ description: 'Default 20m.' }),
    checkpoint_after: duration.optional().meta({
      description: 'No checkpoint for this long while working: a nudge names the next (default: stuck_after).',
    }),
    max_active: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'Concurrency cap; the rest wait in the queue (default 6).' }),
    restart: z
      .strictObject({ max: z.number().int().min(0).max(100).optional(), backoff: duration.optional() })
      .optional(),
    bonus: z.enum(['auto', 'off']).optional().meta({ description: 'Hand bonus tasks to idle workers (default auto).' }),
    auto_answer: z
      .union([z.literal('off'), z.array(autoAnswerSchema)])
      .optional()
      .meta({ description: 'off, or prompts answered automatically.' }),
    escalate_after: duration
      .optional()
      .meta({ description: 'Time in a stalled state before each escalation rung (default 5m).' }),
    check_concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'Check runs at once across the fleet (default 1).' }),
    budget: budgetSchema.optional(),
    spawn: z
      .strictObject({
        max_children: z
          .number()
          .int()
          .min(0)
          .max(64)
          .optional()
          .meta({ description: 'Living children per worker (default 4).' }),
        max_depth: z.number().int().min(1).max(8).optional().meta({
          description: 'Levels of children below a configured worker (default 2); 1 means children may not spawn.',
        }),
      })
      .optional()
      .meta({ description: 'Limits on "czar spawn" (sub-workers); 4 living children and depth 2 unless set.' }),
  })
  .meta({ description: 'Supervision policy.' });
