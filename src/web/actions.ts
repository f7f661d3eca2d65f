import * as z from 'zod';
import { commentParts } from '../domain/policy/person-comments.js';
import {
  budgetUsd,
  CzarRequestSchema,
  MAX_BUDGET_USD,
  type CzarRequestBody,
  type CzarRequestResult,
} from '../domain/model/czar-request.js';
import { statePaths } from '../domain/model/paths.js';
import type { FleetStatus } from '../domain/status/status-schema.js';
import { askCzar } from '../fleet/requests.js';

/** What the page sends to act: a fleet, a request kind, and the worker and text (a budget's dollars) the kind needs. */
const ActionSchema = z.strictObject({
  fleet: z.string().max(64),
  kind: z.enum(['send', 'comment', 'bonus', 'restart', 'pause', 'resume', 'budget']),
  worker: z.string().max(200).optional(),
  text: z
    .string()
    .max(64 * 1024)
    .optional(),
});
export type WebAction = z.infer<typeof ActionSchema>;

export type ActionOutcome = { code: 200 | 400 | 404 | 409; result: Pick<CzarRequestResult, 'ok' | 'message'> };

const refuse = (code: 400 | 404 | 409, message: string): ActionOutcome => ({ code, result: { ok: false, message } });

/** Reads the page's JSON body into an action, or a one-sentence reason it is not one. */
export function parseAction(text: string): WebAction | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'The action is not JSON; send it from czar web’s page.';
  }
  const parsed = ActionSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `The action's ${issue?.path.join('.') || 'body'} is not valid (${issue?.message ?? 'unknown'}); send it from czar web’s page.`;
}

/**
 * Hands the action to the fleet's running czar through its request queue, exactly as the CLI command does, so the
 * czar logs it as the person's action.
 */
export async function act(
  action: WebAction,
  fleet: { stateDir: string; running: boolean; status?: FleetStatus },
): Promise<ActionOutcome> {
  if (!fleet.running) return refuse(409, `The czar of this fleet is not running; start it with "czar up".`);
  const body = requestBody(action);
  if (typeof body === 'string') return refuse(400, body);
  if ('worker' in body && body.worker !== undefined && !fleet.status?.workers.some((w) => w.name === body.worker))
    return refuse(404, `This fleet has no worker ${JSON.stringify(body.worker)}; pick one from the page.`);
  const checked = CzarRequestSchema.safeParse({ id: 'web', ...body });
  if (!checked.success)
    return refuse(400, `The ${action.kind} request is not valid: ${checked.error.issues[0]?.message ?? 'unknown'}.`);
  try {
    const result = await askCzar(statePaths(fleet.stateDir), body, 30_000);
    return { code: 200, result: { ok: result.ok, message: result.message } };
  } catch (error) {
    return refuse(409, error instanceof Error ? error.message : String(error));
  }
}

function requestBody(action: WebAction): CzarRequestBody | string {
  const { kind, worker, text = '' } = action;
  if (kind === 'pause' || kind === 'resume') return worker === undefined ? { kind } : { kind, worker };
  if (worker === undefined) return `A ${kind} request names its worker.`;
  if (kind === 'bonus' || kind === 'restart') return { kind, worker };
  if (kind === 'budget') {
    const usd = budgetUsd(text);
    if (usd === undefined)
      return `The budget for ${worker} must be a dollar amount above 0 and up to ${MAX_BUDGET_USD}, such as 5 or 12.50; write it in the box.`;
    return { kind, worker, usd };
  }
  if (text.trim() === '')
    return `The ${kind === 'send' ? 'message' : 'comment'} for ${worker} is empty; write it first.`;
  if (kind === 'send') return { kind, worker, text };
  const { file, line, text: comment } = commentParts(text);
  return file === undefined ? { kind, worker, text: comment } : { kind, worker, file, line, text: comment };
}
