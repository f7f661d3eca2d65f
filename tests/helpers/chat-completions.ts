/**
 * The OpenAI Chat Completions side of the scripted model endpoint (model-endpoint.ts), as OpenCode, Qwen Code and
 * pi call it: `POST {baseURL}/chat/completions`, streamed as SSE chunks of `choices[0].delta`, then a chunk with
 * `finish_reason`, a usage chunk with `choices: []`, and `data: [DONE]`. Tool results come back as `role: "tool"`
 * messages. Pure: the endpoint reads the turn and writes the chunks.
 */

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A user prompt (one text part) or the tool results of one message, in conversation order. */
export type ChatEntry = { readonly prompt: string } | { readonly results: number };

/** What a Chat Completions answer says: the next tool call (shell or named), or the closing text. */
export type ChatReply =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'call'; readonly name: string; readonly input: Record<string, unknown> };

export interface ChatUsage {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
}

/** Kilo 7.7 adds a part of its own after each prompt (the time and folders): context, not the person's words. */
const AGENT_CONTEXT = /^\s*<environment_details>/;

/** The user input of a request, in order: each text part of a user message, and each tool result. */
export function chatEntries(body: Json): ChatEntry[] {
  return list(body.messages)
    .filter(isJson)
    .flatMap((message): ChatEntry[] => {
      if (message.role === 'tool') return [{ results: 1 }];
      if (message.role !== 'user') return [];
      if (typeof message.content === 'string') return [{ prompt: message.content }];
      return list(message.content).flatMap((part) =>
        isJson(part) && typeof part.text === 'string' && !AGENT_CONTEXT.test(part.text) ? [{ prompt: part.text }] : [],
      );
    });
}

/** Names of the function tools a request offers. */
export function chatToolNames(body: Json): string[] {
  return list(body.tools).flatMap((tool) =>
    isJson(tool) && isJson(tool.function) && typeof tool.function.name === 'string' ? [tool.function.name] : [],
  );
}

/** Each CLI's shell tool: OpenCode and pi call it `bash`, Qwen Code (a Gemini CLI fork) `run_shell_command`. */
const SHELL_TOOLS = ['bash', 'run_shell_command', 'shell'];

/** The shell tool a request offers, by its name in that CLI. */
export function chatShellTool(body: Json): string {
  return chatToolNames(body).find((name) => SHELL_TOOLS.includes(name)) ?? 'bash';
}

/** The SSE chunks of one streamed answer, `[DONE]` excluded. */
export function chatChunks(reply: ChatReply, usage: ChatUsage, id: number, model: string): Json[] {
  const base = { id: `chatcmpl-czar-${id}`, object: 'chat.completion.chunk', created: 0, model };
  const delta =
    reply.type === 'text'
      ? { role: 'assistant', content: reply.text }
      : {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              index: 0,
              id: `call_czar_${id}`,
              type: 'function',
              function: { name: reply.name, arguments: JSON.stringify(reply.input) },
            },
          ],
        };
  return [
    { ...base, choices: [{ index: 0, delta, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: reply.type === 'text' ? 'stop' : 'tool_calls' }] },
    { ...base, choices: [], usage: chatUsage(usage) },
  ];
}

/** One non-streamed answer (a side call that asked for no stream). */
export function chatCompletion(text: string, usage: ChatUsage, id: number, model: string): Json {
  return {
    id: `chatcmpl-czar-${id}`,
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: chatUsage(usage),
  };
}

function chatUsage(usage: ChatUsage): Json {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cacheRead },
  };
}
