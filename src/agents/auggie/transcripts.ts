import path from 'node:path';
import { prompt, type PromptParser } from '../recorded-prompts.js';
import type { AgentTranscripts, TranscriptContext } from '../transcripts.js';
import { count, field, jsonObject, type UsageParser } from '../../domain/usage/usage.js';
import { callLineParser, stringField } from '../call-lines.js';

/** Node types of Augment's chat API, as Auggie records them: a prompt's text, the workspace, a call's token usage. */
const TEXT = 0;
const IDE_STATE = 4;
const TOKEN_USAGE = 10;

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const time = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' && Number.isFinite(value)
      ? new Date(value).toISOString()
      : undefined;

/**
 * Auggie 0.36.0 keeps each conversation in `~/.augment/sessions/<uuid>.json`, one JSON document it rewrites every
 * turn: `sessionId`, and `chatHistory[].exchange` with one exchange per model call, whose `request_nodes` hold the
 * prompt as it was typed (a text node) and the workspace (an IDE-state node naming its working directory), and whose
 * `response_nodes` hold the call's `token_usage`. czar reads it as lines: the session and its folder first, then each
 * prompt and each call. Undefined for a document that is not (yet) whole, as while Auggie writes it.
 */
export function auggieSessionLines(text: string): string[] | undefined {
  const document = jsonObject(text);
  const id = document?.sessionId;
  if (document === undefined || typeof id !== 'string') return undefined;
  const exchanges = list(document.chatHistory).map((entry) => ({
    exchange: field(entry, 'exchange'),
    at: time(field(entry, 'finishedAt')) ?? time(document.modified),
  }));
  const cwd = exchanges
    .flatMap(({ exchange }) => list(field(exchange, 'request_nodes')))
    .filter((node) => field(node, 'type') === IDE_STATE)
    .map((node) => field(field(field(node, 'ide_state_node'), 'current_terminal'), 'current_working_directory'))
    .find((folder): folder is string => typeof folder === 'string');
  const lines = [JSON.stringify({ type: 'session', id, ...(cwd === undefined ? {} : { cwd }) })];
  for (const { exchange, at } of exchanges) {
    for (const node of list(field(exchange, 'request_nodes'))) {
      const content = field(field(node, 'text_node'), 'content');
      if (field(node, 'type') === TEXT && typeof content === 'string')
        lines.push(JSON.stringify({ type: 'prompt', text: content, timestamp: at }));
    }
    const request = field(exchange, 'request_id');
    for (const node of list(field(exchange, 'response_nodes'))) {
      if (field(node, 'type') !== TOKEN_USAGE) continue;
      lines.push(
        JSON.stringify({
          type: 'usage',
          ...(typeof request === 'string' ? { id: request } : {}),
          tokens: field(node, 'token_usage'),
          timestamp: time(field(node, 'timestamp_ms')) ?? at,
        }),
      );
    }
  }
  return lines;
}

/**
 * A call's `token_usage` as Augment's backend sends it, in Anthropic's terms: `input_tokens` without the cache,
 * `cache_read_input_tokens` and `cache_creation_input_tokens` beside it. The model is not recorded per call.
 */
export function auggieUsageParser(): UsageParser {
  return callLineParser({
    marker: '"usage"',
    usage: (record) => (record.type === 'usage' ? record.tokens : undefined),
    id: stringField('id'),
    model: () => undefined,
    tokens: (tokens) => ({
      input: count(field(tokens, 'input_tokens')),
      output: count(field(tokens, 'output_tokens')),
      cacheWrite: count(field(tokens, 'cache_creation_input_tokens')),
      cacheRead: count(field(tokens, 'cache_read_input_tokens')),
    }),
  });
}

/** The prompt lines: the text as Auggie sent it. */
export const auggiePrompt: PromptParser = (line) => {
  if (!line.includes('"prompt"')) return undefined;
  const record = jsonObject(line);
  if (record?.type !== 'prompt' || typeof record.text !== 'string') return undefined;
  return prompt(record.text, record.timestamp);
};

/** Auggie's sessions: `<HOME>/.augment/sessions/*.json`, those held in this worktree. */
export function auggieTranscripts(context: TranscriptContext): AgentTranscripts {
  const home = context.env.HOME;
  return {
    format: auggieUsageParser,
    prompts: auggiePrompt,
    // Without a HOME there is nothing to read, and a relative folder would be read from czar's own.
    places:
      home === undefined || !path.isAbsolute(home)
        ? { kind: 'claude', dirs: [] }
        : {
            kind: 'documents',
            dir: path.join(home, '.augment', 'sessions'),
            suffix: '.json',
            cwd: context.worktree,
            lines: auggieSessionLines,
          },
  };
}
