import path from 'node:path';
import type { AgentCommand } from '../../domain/model/config-types.js';
import { REVIEW_SEVERITIES } from '../../domain/model/words.js';
import { count, field, jsonObject } from '../../domain/usage/usage.js';
import {
  reviewCallOf,
  type ReviewCall,
  type ReviewMode,
  type ReviewOutput,
  type ReviewRead,
  type ReviewRun,
} from '../review-call.js';
import { jsonObjectIn } from '../verdict-text.js';

/**
 * The verdict schema in the form OpenAI's strict structured outputs accept (Codex sends `--output-schema` with
 * `strict: true`): every property required, optional ones nullable, no length bounds. The answer is still checked
 * against `ReviewVerdictSchema` once the nulls are dropped.
 */
const STRICT_VERDICT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['verdict', 'summary', 'findings'],
  properties: {
    verdict: { type: 'string', enum: ['approve', 'request_changes'] },
    summary: { type: 'string' },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['file', 'line', 'severity', 'text'],
        properties: {
          file: { type: ['string', 'null'] },
          line: { type: ['integer', 'null'] },
          severity: { type: 'string', enum: REVIEW_SEVERITIES },
          text: { type: 'string' },
        },
      },
    },
  },
};

const SCHEMA_FILE = 'verdict-schema.json';
const ANSWER_FILE = 'last-message.json';

/**
 * Codex as a reviewer: `codex exec` with the prompt on stdin (`-`), the agent's own args first (a local model
 * provider's `-c` settings come from there), a read-only sandbox (commands run, files stay as they are; in czar's box,
 * czar's), JSON
 * events on stdout for usage, and the final answer written to a file. `exec` shows no dialogs; `--ephemeral`
 * keeps the run out of the person's session history.
 */
export const codexReview: ReviewMode = {
  call(agent: AgentCommand, run: ReviewRun): ReviewCall {
    const schema = path.join(run.workDir, SCHEMA_FILE);
    const answer = path.join(run.workDir, ANSWER_FILE);
    return reviewCallOf(agent, run, {
      args: [
        'exec',
        '--json',
        '--ephemeral',
        '--sandbox',
        // Codex's own sandbox is a bubblewrap of its own, which cannot start inside czar's box (no user namespace
        // there: "bwrap: setting up uid map"); czar's box keeps the checkout read-only instead.
        run.boxed === true ? 'danger-full-access' : 'read-only',
        '--output-schema',
        schema,
        '--output-last-message',
        answer,
        '-',
      ],
      stdin: run.prompt,
      files: [{ path: schema, content: `${JSON.stringify(STRICT_VERDICT_SCHEMA, null, 2)}\n` }],
      outputs: [answer],
    });
  },

  /** The answer file (else the last agent message among the events), and the tokens of every finished turn. */
  read(output: ReviewOutput): ReviewRead {
    const events = output.stdout.split('\n').flatMap((line) => {
      const event = jsonObject(line);
      return event === undefined ? [] : [event];
    });
    const answer =
      Object.entries(output.files).find(([file]) => path.basename(file) === ANSWER_FILE)?.[1] ??
      events.findLast((event) => field(event.item, 'type') === 'agent_message')?.item;
    const text = typeof answer === 'string' ? answer : field(answer, 'text');
    const found = typeof text === 'string' ? jsonObjectIn(text) : undefined;
    const turns = events.filter((event) => event.type === 'turn.completed').map((event) => event.usage);
    if (turns.length === 0) return { verdict: found === undefined ? undefined : withoutNulls(found) };
    const sum = (key: string): number => turns.reduce<number>((total, usage) => total + count(field(usage, key)), 0);
    const cacheRead = sum('cached_input_tokens');
    const cacheWrite = sum('cache_write_input_tokens');
    return {
      verdict: found === undefined ? undefined : withoutNulls(found),
      // The events name no model; its price is then unknown rather than guessed.
      usage: {
        model: 'unknown',
        tokens: {
          input: Math.max(0, sum('input_tokens') - cacheRead - cacheWrite),
          output: sum('output_tokens'),
          cacheWrite,
          cacheRead,
        },
      },
    };
  },
};

/** The strict schema's `null` for an absent file or line, dropped so the verdict reads as the shared schema says. */
function withoutNulls(verdict: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(verdict.findings)) return verdict;
  const findings: unknown[] = verdict.findings.map((finding: unknown) =>
    typeof finding === 'object' && finding !== null
      ? Object.fromEntries(Object.entries(finding).filter(([, value]) => value !== null))
      : finding,
  );
  return { ...verdict, findings };
}
