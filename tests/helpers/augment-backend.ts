/**
 * The Augment backend side of the scripted model endpoint (model-endpoint.ts), as Auggie calls it (measured with
 * 0.36.0; `../shared/research/more-agents-offline.md`): every call a JSON `POST` to `<tenantURL>/<path>`. A turn is
 * `chat-stream`, answered as newline-delimited JSON chunks `{text, nodes, stop_reason}`; the session's set-up calls
 * get the fixed answers below. Pure: the endpoint reads the turn and writes the chunks.
 */
import type { ChatEntry, ChatReply, ChatUsage } from './chat-completions.js';

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Node types of Augment's chat API. */
const TEXT = 0;
const TOOL_RESULT = 1;
const TOOL_USE = 5;
const TOKEN_USAGE = 10;
/** `stop_reason`: the turn ends, or tools were asked for. */
const END_TURN = 1;
const TOOL_USE_REQUESTED = 3;

/** The answers to the calls other than `chat-stream`; any other path gets `{}`. */
export const AUGMENT_ANSWERS: Readonly<Record<string, Json>> = {
  // Without a model list Auggie reports "converting get-models response failed" and its turn comes back empty;
  // its hooks run only with the backend's `enable_hooks` flag on.
  '/get-models': {
    default_model: 'fake-model',
    models: [{ name: 'fake-model', suggested_prefix_char_count: 2000, suggested_suffix_char_count: 2000 }],
    feature_flags: { enable_hooks: true },
  },
  '/agents/list-remote-tools': { tools: [] },
};

/** The session's calls Auggie makes besides its turns (all answered, none a turn). */
export const isAugmentCall = (pathname: string): boolean => /^\/[a-z][\w/-]*$/.test(pathname);

/** Its terminal title request: the conversation and tools as a turn, but a question about the prompt. */
const TITLE_REQUEST = /^Please provide a clear and concise title for this message\./;

/**
 * Whether a `chat-stream` request is a side call, whatever tools it offers: the title request, or a `silent` one
 * (measured: one with no new nodes after a turn, which Auggie does not record in its session).
 */
export function isAugmentSideCall(body: Json): boolean {
  return (
    body.silent === true ||
    list(body.nodes).some((node) => isJson(node) && node.type === TEXT && TITLE_REQUEST.test(textOf(node.text_node)))
  );
}

const textOf = (node: unknown): string => (isJson(node) && typeof node.content === 'string' ? node.content : '');

/** The user input of a request in order: the earlier exchanges' request nodes, then this request's own. */
export function augmentEntries(body: Json): ChatEntry[] {
  const history = list(body.chat_history).flatMap((exchange) => (isJson(exchange) ? list(exchange.request_nodes) : []));
  return [...history, ...list(body.nodes)].flatMap((node): ChatEntry[] => {
    if (!isJson(node)) return [];
    if (node.type === TOOL_RESULT) return [{ results: 1 }];
    if (node.type === TEXT) return [{ prompt: textOf(node.text_node) }];
    return [];
  });
}

/** Names of the tools a request offers. */
export function augmentToolNames(body: Json): string[] {
  return list(body.tool_definitions).flatMap((tool) =>
    isJson(tool) && typeof tool.name === 'string' ? [tool.name] : [],
  );
}

/** The input of Auggie's shell tool, `launch-process`: every field is required. */
export const augmentShellInput = (command: string): Json => ({
  command,
  wait: true,
  max_wait_seconds: 60,
  cwd: '.',
});

/** The chunks of one answer: the text or tool call, then its usage with the stop reason. */
export function augmentChunks(
  reply: ChatReply,
  usage: ChatUsage & { readonly cacheWrite: number },
  id: number,
): Json[] {
  const node =
    reply.type === 'text'
      ? { id: 0, type: TEXT, content: reply.text }
      : {
          id: 0,
          type: TOOL_USE,
          content: '',
          tool_use: { tool_use_id: `toolu_czar_${id}`, tool_name: reply.name, input_json: JSON.stringify(reply.input) },
        };
  const tokens = {
    input_tokens: usage.input,
    output_tokens: usage.output,
    cache_read_input_tokens: usage.cacheRead,
    cache_creation_input_tokens: usage.cacheWrite,
  };
  return [
    { text: reply.type === 'text' ? reply.text : '', nodes: [node] },
    {
      text: '',
      nodes: [{ id: 1, type: TOKEN_USAGE, content: '', token_usage: tokens }],
      stop_reason: reply.type === 'text' ? END_TURN : TOOL_USE_REQUESTED,
    },
  ];
}
