import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterThisTest } from './cleanup.js';
import {
  AUGMENT_ANSWERS,
  augmentChunks,
  augmentEntries,
  augmentShellInput,
  augmentToolNames,
  isAugmentCall,
  isAugmentSideCall,
} from './augment-backend.js';
import { chatChunks, chatCompletion, chatEntries, chatShellTool, type ChatReply } from './chat-completions.js';

/**
 * A scripted model endpoint: one local HTTP server that plays the model for Claude Code (Anthropic Messages),
 * Codex (OpenAI Responses), Gemini CLI (Gemini generateContent) and OpenCode, Qwen Code and pi (OpenAI Chat
 * Completions, `chat-completions.ts`) and Auggie (Augment's own backend, `augment-backend.ts`), so the real CLIs do
 * real work offline.
 *
 * The script is the text of the latest user turn (every text part of it), one directive a line:
 *   RUN: <shell command>           one shell tool call per line, in order, one per model round trip
 *   TOOL: <name> <json input>      a call of any tool (one the agent is not allowed to use, for a permission prompt)
 *   SAY: <text>                    the closing text (default "Done.")
 *   FAIL: <status> <message>       every call answered with that HTTP error, in the API's own error shape
 *   FAIL-TIMES: <n> <status> <msg> the first n main calls fail that way, then the script runs
 *   SLEEP: <seconds>               wait that long before answering the first main call
 *   ON "<text>" RUN <command>      a later prompt of no directives of its own that contains <text> (a message of
 *                                  czar's: a fix-up, a conflict warning) is answered with these commands, in order
 * Which step comes next is read from the conversation (tool results after the prompt), so a CLI's own retries
 * and resent histories cannot skip or repeat a command. Requests without tools (titles, summaries) get plain text.
 */

export type Cli = 'claude' | 'codex' | 'gemini' | 'chat' | 'augment';
/** `session`: a backend call that is no model call (Auggie's model list, settings, telemetry). */
export type RequestKind = 'main' | 'side' | 'router' | 'count_tokens' | 'session' | 'unknown';

export interface RecordedRequest {
  readonly cli: Cli | 'unknown';
  readonly kind: RequestKind;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

/** Token usage one answer reported, exactly as sent in that API's own fields (normalised names). */
export interface RecordedUsage {
  readonly cli: Cli;
  /** Index into `requests`. */
  readonly request: number;
  readonly kind: RequestKind;
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

export interface ModelEndpoint {
  /** `http://127.0.0.1:<port>` (no path). */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly usage: RecordedUsage[];
  close(): Promise<void>;
}

/** Usage every answer reports: main turns and side requests each have their own fixed numbers. */
export const USAGE: Readonly<Record<'main' | 'side', Omit<RecordedUsage, 'cli' | 'request' | 'kind'>>> = {
  main: { input: 1200, output: 40, cacheRead: 300, cacheWrite: 20 },
  side: { input: 90, output: 7, cacheRead: 0, cacheWrite: 0 },
};

type Step =
  | { readonly tool: 'shell'; readonly command: string }
  | { readonly tool: string; readonly input: Record<string, unknown> };

export interface Script {
  readonly steps: readonly Step[];
  readonly say?: string;
  readonly fail?: { readonly status: number; readonly message: string; readonly times: number };
  readonly sleepMs: number;
}

/** Reads the directives of one prompt (pure; exported for its unit test). */
export function parseScript(text: string): Script {
  const steps: Step[] = [];
  let say: string | undefined;
  let fail: Script['fail'];
  let sleepMs = 0;
  for (const line of text.split('\n')) {
    const directive = /^\s*(RUN|TOOL|SAY|FAIL|FAIL-TIMES|SLEEP):\s?(.*)$/.exec(line);
    if (directive === null) continue;
    const [, name, rest = ''] = directive;
    if (name === 'RUN') steps.push({ tool: 'shell', command: rest.trim() });
    else if (name === 'TOOL') {
      const [, tool = '', json = '{}'] = /^(\S+)\s*(.*)$/.exec(rest.trim()) ?? [];
      steps.push({ tool, input: JSON.parse(json) as Record<string, unknown> });
    } else if (name === 'SAY') say = rest.trim();
    else if (name === 'SLEEP') sleepMs = Number(rest.trim()) * 1000;
    else {
      const parts = /^(?:(\d+)\s+)?(\d{3})\s+(.*)$/.exec(rest.trim());
      if (parts === null) throw new Error(`model endpoint: cannot read "${line.trim()}"`);
      const times = name === 'FAIL' ? Number.POSITIVE_INFINITY : Number(parts[1] ?? '1');
      fail = { status: Number(parts[2]), message: parts[3] ?? '', times };
    }
  }
  return { steps, sleepMs, ...(say === undefined ? {} : { say }), ...(fail === undefined ? {} : { fail }) };
}

/** What to answer now: the next tool call, or the closing text. */
type Reply =
  | { readonly type: 'call'; readonly step: Step; readonly index: number }
  | { readonly type: 'text'; readonly text: string };

function replyFor(script: Script, toolResultsSincePrompt: number): Reply {
  const step = script.steps[toolResultsSincePrompt];
  if (step !== undefined) return { type: 'call', step, index: toolResultsSincePrompt };
  return { type: 'text', text: script.say ?? (script.steps.length > 0 ? 'Done.' : 'OK.') };
}

/** The prompt of a conversation and how many tool results came back after it. */
interface Turn {
  readonly prompt: string;
  readonly toolResults: number;
  readonly hasTools: boolean;
}

/**
 * User input in conversation order: each text part on its own (a CLI may merge a failed turn's prompt and the next
 * one into one message, and puts its own context in other parts), or the tool results of one message.
 */
type Entry = { readonly prompt: string } | { readonly results: number };

/**
 * The latest prompt that holds directives (a bare "continue" or a nudge carries on with the task before it), or
 * else the latest prompt; and the tool results that came back after it.
 */
function turnOf(entries: readonly Entry[], hasTools: boolean): Turn {
  const prompts = entries.flatMap((entry, index) => ('prompt' in entry ? [{ index, text: entry.prompt }] : []));
  const latest = prompts.at(-1);
  const reaction =
    latest === undefined || hasDirectives(latest.text)
      ? undefined
      : reactionTo(
          latest.text,
          prompts.map((prompt) => prompt.text),
        );
  const chosen =
    reaction === undefined
      ? (prompts.findLast((prompt) => hasDirectives(prompt.text)) ?? latest)
      : { index: latest?.index ?? -1, text: reaction };
  const after = entries.slice((chosen?.index ?? -1) + 1);
  const toolResults = after.reduce((sum, entry) => sum + ('results' in entry ? entry.results : 0), 0);
  return { prompt: chosen?.text ?? '', toolResults, hasTools };
}

const hasDirectives = (text: string): boolean => /^\s*(?:RUN|TOOL|SAY|FAIL|FAIL-TIMES|SLEEP):/m.test(text);

/** The script earlier prompts' ON lines give a prompt that contains their text, or undefined when none does. */
function reactionTo(prompt: string, prompts: readonly string[]): string | undefined {
  const commands = prompts.flatMap((text) =>
    text.split('\n').flatMap((line) => {
      const on = /^\s*ON "([^"]+)" RUN (.+)$/.exec(line);
      return on !== null && prompt.includes(on[1] ?? '') ? [`RUN: ${on[2] ?? ''}`] : [];
    }),
  );
  return commands.length === 0 ? undefined : [...commands, 'SAY: Handled.'].join('\n');
}

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const texts = (parts: unknown[]): string[] =>
  parts.flatMap((part) => (isJson(part) && typeof part.text === 'string' ? [part.text] : []));

function anthropicTurn(body: Json): Turn {
  const entries = list(body.messages)
    .filter(isJson)
    .filter((message) => message.role === 'user')
    .flatMap((message): Entry[] => {
      const content =
        typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : list(message.content);
      const results = content.filter((part) => isJson(part) && part.type === 'tool_result').length;
      return results > 0 ? [{ results }] : texts(content).map((prompt) => ({ prompt }));
    });
  return turnOf(entries, list(body.tools).length > 0);
}

function openaiTurn(body: Json): Turn {
  const items =
    typeof body.input === 'string'
      ? [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: body.input }] }]
      : list(body.input).filter(isJson);
  const entries = items.flatMap((item): Entry[] => {
    if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') return [{ results: 1 }];
    if (item.role !== 'user') return [];
    return texts(list(item.content)).map((prompt) => ({ prompt }));
  });
  return turnOf(entries, list(body.tools).length > 0);
}

function geminiTurn(body: Json): Turn {
  const entries = list(body.contents)
    .filter(isJson)
    .filter((content) => content.role === 'user')
    .flatMap((content): Entry[] => {
      const parts = list(content.parts);
      const results = parts.filter((part) => isJson(part) && part.functionResponse !== undefined).length;
      return results > 0 ? [{ results }] : texts(parts).map((prompt) => ({ prompt }));
    });
  const declarations = list(body.tools).flatMap((tool) => (isJson(tool) ? list(tool.functionDeclarations) : []));
  return turnOf(entries, declarations.length > 0);
}

/** HTTP status -> each API's own error type. */
const ANTHROPIC_ERRORS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};
const OPENAI_ERRORS: Record<number, [type: string, code: string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  403: ['permission_error', null],
  404: ['invalid_request_error', 'model_not_found'],
  429: ['requests', 'rate_limit_exceeded'],
  500: ['server_error', null],
  503: ['server_error', null],
};
const GEMINI_ERRORS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function errorBody(cli: Cli, status: number, message: string): Json {
  switch (cli) {
    case 'claude':
      return {
        type: 'error',
        error: { type: ANTHROPIC_ERRORS[status] ?? 'api_error', message },
        request_id: `req_czar_${status}`,
      };
    case 'codex':
    case 'chat':
    case 'augment': {
      const [type, code] = OPENAI_ERRORS[status] ?? ['server_error', null];
      return { error: { message, type, param: null, code } };
    }
    case 'gemini':
      return { error: { code: status, message, status: GEMINI_ERRORS[status] ?? 'UNKNOWN' } };
  }
}

/** Starts the endpoint on 127.0.0.1 (a free port); it closes when the current test ends. */
export async function startModelEndpoint(): Promise<ModelEndpoint> {
  const requests: RecordedRequest[] = [];
  const usage: RecordedUsage[] = [];
  // Main calls seen per prompt, for FAIL-TIMES and SLEEP (first call only).
  const mainCalls = new Map<string, number>();
  let ids = 0;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `model endpoint bug: ${String(error)}` } }));
    });
  });
  // Node closes a connection idle for 5 s, and an agent's next turn often comes about then: the agent reused it as it
  // closed, and one told not to retry (Claude Code here) failed that turn with ECONNRESET. A model API keeps it longer.
  server.keepAliveTimeout = 10 * 60_000;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: unknown = raw === '' ? {} : JSON.parse(raw);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = routeOf(request.method ?? 'GET', url.pathname);
    const index =
      requests.push({
        cli: route.cli,
        kind: route.kind,
        method: request.method ?? 'GET',
        path: url.pathname + url.search,
        body,
      }) - 1;
    if (route.cli === 'unknown' || !isJson(body)) {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: `no such route: ${url.pathname}` } }));
      return;
    }
    const cli = route.cli;
    if (route.kind === 'count_tokens') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ input_tokens: USAGE.main.input }));
      return;
    }
    if (route.kind === 'session') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(AUGMENT_ANSWERS[url.pathname] ?? {}));
      return;
    }
    if (route.kind === 'router') {
      const text = geminiSideJson(body);
      const counted = record(cli, index, 'router');
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(geminiChunk({ text }, counted)));
      return;
    }
    const turn =
      cli === 'claude'
        ? anthropicTurn(body)
        : cli === 'codex'
          ? openaiTurn(body)
          : cli === 'chat'
            ? turnOf(chatEntries(body), list(body.tools).length > 0)
            : cli === 'augment'
              ? turnOf(augmentEntries(body), list(body.tool_definitions).length > 0 && !isAugmentSideCall(body))
              : geminiTurn(body);
    const script = parseScript(turn.prompt);
    const kind: RequestKind = turn.hasTools ? 'main' : 'side';
    // Rewrite the route's kind now that the body says whether it is a side request.
    requests[index] = { ...requests[index]!, kind };
    // Claude Code resends a failed turn's prompt with a trailing newline, merged with the next one.
    const key = `${cli}\u0000${turn.prompt.trim()}`;
    const calls = kind === 'main' ? (mainCalls.get(key) ?? 0) + 1 : 0;
    if (kind === 'main') mainCalls.set(key, calls);
    if (
      script.fail !== undefined &&
      (kind === 'main' ? calls <= script.fail.times : script.fail.times === Number.POSITIVE_INFINITY)
    ) {
      response
        .writeHead(script.fail.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(errorBody(cli, script.fail.status, script.fail.message)));
      return;
    }
    if (kind === 'main' && calls === 1 && script.sleepMs > 0)
      await new Promise((resolve) => setTimeout(resolve, script.sleepMs));
    const reply: Reply = kind === 'main' ? replyFor(script, turn.toolResults) : { type: 'text', text: 'Scripted task' };
    const counted = record(cli, index, kind);
    ids += 1;
    if (cli === 'chat') {
      writeChat(response, body, reply, counted, ids);
      return;
    }
    if (cli === 'augment') {
      writeAugment(response, body, reply, counted, ids);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events =
      cli === 'claude'
        ? anthropicEvents(body, reply, counted, ids)
        : cli === 'codex'
          ? openaiEvents(reply, counted, ids)
          : [geminiChunk(geminiPart(reply), counted)];
    for (const event of events) {
      if (cli === 'gemini') response.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
      else response.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    response.end();
  }

  function record(cli: Cli, request: number, kind: RequestKind): RecordedUsage {
    const numbers = kind === 'main' ? USAGE.main : USAGE.side;
    const entry = { cli, request, kind, ...numbers };
    usage.push(entry);
    return entry;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  afterThisTest(close);
  return { url: `http://127.0.0.1:${port}`, port, requests, usage, close };
}

function routeOf(method: string, pathname: string): { cli: Cli | 'unknown'; kind: RequestKind } {
  if (method !== 'POST') return { cli: 'unknown', kind: 'unknown' };
  if (pathname === '/v1/messages/count_tokens') return { cli: 'claude', kind: 'count_tokens' };
  if (pathname === '/v1/messages') return { cli: 'claude', kind: 'main' };
  if (pathname.endsWith('/responses')) return { cli: 'codex', kind: 'main' };
  if (pathname.endsWith('/chat/completions')) return { cli: 'chat', kind: 'main' };
  if (pathname === '/chat-stream') return { cli: 'augment', kind: 'main' };
  const gemini = /^\/v1(?:beta|alpha)?\/models\/[^/:]+:(streamGenerateContent|generateContent|countTokens)$/.exec(
    pathname,
  );
  if (gemini?.[1] === 'countTokens') return { cli: 'gemini', kind: 'count_tokens' };
  // Gemini streams its turns; a plain generateContent is a side call (the auto model's router, next-speaker check).
  if (gemini !== null) return { cli: 'gemini', kind: gemini[1] === 'streamGenerateContent' ? 'main' : 'router' };
  if (isAugmentCall(pathname)) return { cli: 'augment', kind: 'session' };
  return { cli: 'unknown', kind: 'unknown' };
}

// ---- Anthropic Messages (SSE) ----

function anthropicEvents(body: Json, reply: Reply, usage: RecordedUsage, id: number): Json[] {
  const start = {
    type: 'message_start',
    message: {
      id: `msg_czar_${id}`,
      type: 'message',
      role: 'assistant',
      model: typeof body.model === 'string' ? body.model : 'claude-scripted',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // As the real API: input and cache counts at the start, the final output count in message_delta.
      usage: {
        input_tokens: usage.input,
        cache_read_input_tokens: usage.cacheRead,
        cache_creation_input_tokens: usage.cacheWrite,
        output_tokens: 1,
      },
    },
  };
  const block =
    reply.type === 'text'
      ? [
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: reply.text } },
        ]
      : [
          {
            type: 'content_block_start',
            index: 0,
            content_block: {
              type: 'tool_use',
              id: `toolu_czar_${id}`,
              name: reply.step.tool === 'shell' ? 'Bash' : reply.step.tool,
              input: {},
            },
          },
          {
            type: 'content_block_delta',
            index: 0,
            delta: { type: 'input_json_delta', partial_json: JSON.stringify(stepInput(reply.step, 'command')) },
          },
        ];
  return [
    start,
    ...block,
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: reply.type === 'text' ? 'end_turn' : 'tool_use', stop_sequence: null },
      usage: { output_tokens: usage.output },
    },
    { type: 'message_stop' },
  ];
}

function stepInput(step: Step, commandKey: string): Record<string, unknown> {
  return 'command' in step ? { [commandKey]: step.command } : step.input;
}

// ---- OpenAI Chat Completions (SSE, or one JSON answer when not streamed) ----

function writeChat(response: ServerResponse, body: Json, reply: Reply, usage: RecordedUsage, id: number): void {
  const model = typeof body.model === 'string' ? body.model : 'fake-model';
  const answer: ChatReply =
    reply.type === 'text'
      ? reply
      : {
          type: 'call',
          name: reply.step.tool === 'shell' ? chatShellTool(body) : reply.step.tool,
          input: stepInput(reply.step, 'command'),
        };
  if (body.stream !== true) {
    const text = answer.type === 'text' ? answer.text : 'OK.';
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(chatCompletion(text, usage, id, model)));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const chunk of chatChunks(answer, usage, id, model)) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
  response.end('data: [DONE]\n\n');
}

// ---- Augment's backend (newline-delimited JSON) ----

function writeAugment(response: ServerResponse, body: Json, reply: Reply, usage: RecordedUsage, id: number): void {
  const shell = augmentToolNames(body).includes('launch-process') ? 'launch-process' : 'shell';
  const answer: ChatReply =
    reply.type === 'text'
      ? reply
      : 'command' in reply.step
        ? { type: 'call', name: shell, input: augmentShellInput(reply.step.command) }
        : { type: 'call', name: reply.step.tool, input: reply.step.input };
  response.writeHead(200, { 'content-type': 'application/json' });
  for (const chunk of augmentChunks(answer, usage, id)) response.write(`${JSON.stringify(chunk)}\n`);
  response.end();
}

// ---- OpenAI Responses (SSE) ----

function openaiEvents(reply: Reply, usage: RecordedUsage, id: number): Json[] {
  const item =
    reply.type === 'text'
      ? {
          type: 'message',
          role: 'assistant',
          id: `msg_czar_${id}`,
          status: 'completed',
          content: [{ type: 'output_text', text: reply.text, annotations: [] }],
        }
      : {
          type: 'function_call',
          id: `fc_czar_${id}`,
          call_id: `call_czar_${id}`,
          status: 'completed',
          name: reply.step.tool === 'shell' ? 'exec_command' : reply.step.tool,
          arguments: JSON.stringify(stepInput(reply.step, 'cmd')),
        };
  const response = { id: `resp_czar_${id}`, object: 'response', status: 'completed', output: [item] };
  return [
    { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } },
    { type: 'response.output_item.done', output_index: 0, item },
    {
      type: 'response.completed',
      response: {
        ...response,
        usage: {
          input_tokens: usage.input,
          input_tokens_details: { cached_tokens: usage.cacheRead },
          output_tokens: usage.output,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: usage.input + usage.output,
        },
      },
    },
  ];
}

// ---- Gemini generateContent ----

function geminiPart(reply: Reply): Json {
  if (reply.type === 'text') return { text: reply.text };
  const args =
    'command' in reply.step ? { command: reply.step.command, description: 'scripted command' } : reply.step.input;
  return { functionCall: { name: reply.step.tool === 'shell' ? 'run_shell_command' : reply.step.tool, args } };
}

function geminiChunk(part: Json, usage: RecordedUsage): Json {
  return {
    candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: {
      promptTokenCount: usage.input,
      candidatesTokenCount: usage.output,
      cachedContentTokenCount: usage.cacheRead,
      totalTokenCount: usage.input + usage.output,
    },
    modelVersion: 'gemini-scripted',
  };
}

/** The JSON a non-streamed Gemini side call wants: the auto model's router, or the next-speaker check. */
function geminiSideJson(body: Json): string {
  const asked = JSON.stringify(body.generationConfig ?? {}) + JSON.stringify(body.systemInstruction ?? {});
  if (asked.includes('complexity'))
    return JSON.stringify({ complexity_reasoning: 'a scripted task', complexity_score: 10 });
  if (asked.includes('next_speaker')) return JSON.stringify({ reasoning: 'the turn is over', next_speaker: 'user' });
  return 'OK.';
}
