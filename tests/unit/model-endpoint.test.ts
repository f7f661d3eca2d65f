import { describe, expect, it } from 'vitest';
import { parseScript, startModelEndpoint, USAGE } from '../helpers/model-endpoint.js';

// The scripted endpoint the real-agent scenarios stand on: its script, and each API's answer shape.
const post = async (url: string, body: unknown): Promise<{ status: number; text: string }> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
};
const sseData = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);

describe('parseScript', () => {
  it('reads each directive, in order, and ignores other lines', () => {
    const script = parseScript(
      'Do it.\nRUN: echo a\nTOOL: Write {"file_path": "x"}\nRUN: echo b\nSAY: over\nSLEEP: 2\nFAIL-TIMES: 3 429 slow down',
    );
    expect(script.steps).toEqual([
      { tool: 'shell', command: 'echo a' },
      { tool: 'Write', input: { file_path: 'x' } },
      { tool: 'shell', command: 'echo b' },
    ]);
    expect(script.say).toBe('over');
    expect(script.sleepMs).toBe(2000);
    expect(script.fail).toEqual({ status: 429, message: 'slow down', times: 3 });
    expect(parseScript('FAIL: 400 bad').fail?.times).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('startModelEndpoint', () => {
  it('plays Claude: one Bash call per RUN line, then the closing text, with usage in message_start and message_delta', async () => {
    const endpoint = await startModelEndpoint();
    const tools = [{ name: 'Bash' }];
    const prompt = {
      role: 'user',
      content: [
        { type: 'text', text: '<system-reminder>x</system-reminder>' },
        { type: 'text', text: 'RUN: echo one\nRUN: echo two\nSAY: all done' },
      ],
    };
    const first = sseData(
      (await post(`${endpoint.url}/v1/messages?beta=true`, { model: 'm', tools, messages: [prompt] })).text,
    );
    expect(first[0]).toMatchObject({
      type: 'message_start',
      message: { usage: { input_tokens: USAGE.main.input, cache_read_input_tokens: USAGE.main.cacheRead } },
    });
    expect(first.find((event) => event.type === 'content_block_delta')).toMatchObject({
      delta: { partial_json: '{"command":"echo one"}' },
    });
    const result = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'one' }] };
    const second = sseData(
      (
        await post(`${endpoint.url}/v1/messages?beta=true`, {
          model: 'm',
          tools,
          messages: [prompt, { role: 'assistant', content: [] }, result],
        })
      ).text,
    );
    expect(second.find((event) => event.type === 'content_block_delta')).toMatchObject({
      delta: { partial_json: '{"command":"echo two"}' },
    });
    const third = sseData(
      (await post(`${endpoint.url}/v1/messages?beta=true`, { model: 'm', tools, messages: [prompt, result, result] }))
        .text,
    );
    expect(third.find((event) => event.type === 'content_block_delta')).toMatchObject({ delta: { text: 'all done' } });
    expect(third.find((event) => event.type === 'message_delta')).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: USAGE.main.output },
    });
    // A side request without tools (a title) gets plain text, never a tool call.
    const side = sseData(
      (await post(`${endpoint.url}/v1/messages?beta=true`, { model: 'm', messages: [prompt] })).text,
    );
    expect(side.find((event) => event.type === 'content_block_start')).toMatchObject({
      content_block: { type: 'text' },
    });
    expect(endpoint.usage.map((entry) => entry.kind)).toEqual(['main', 'main', 'main', 'side']);
  });

  it("answers FAIL in each API's own error shape, and FAIL-TIMES only that many main calls", async () => {
    const endpoint = await startModelEndpoint();
    const claude = await post(`${endpoint.url}/v1/messages`, {
      tools: [{}],
      messages: [{ role: 'user', content: 'FAIL-TIMES: 1 429 slow down\nSAY: fine' }],
    });
    expect(claude.status).toBe(429);
    expect(JSON.parse(claude.text)).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down' },
    });
    // A bare "continue" carries on with the task before it: the second main call behaves.
    // Measured: Claude Code resends the failed prompt with a trailing newline, in one message with the next.
    const again = await post(`${endpoint.url}/v1/messages`, {
      tools: [{}],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'FAIL-TIMES: 1 429 slow down\nSAY: fine\n' },
            { type: 'text', text: 'continue' },
          ],
        },
      ],
    });
    expect(again.status).toBe(200);
    expect(again.text).toContain('"text":"fine"');
    const codex = await post(`${endpoint.url}/v1/responses`, {
      tools: [{}],
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'FAIL: 400 no such model' }] }],
    });
    expect(JSON.parse(codex.text)).toMatchObject({
      error: { message: 'no such model', type: 'invalid_request_error' },
    });
    const gemini = await post(`${endpoint.url}/v1beta/models/g:streamGenerateContent?alt=sse`, {
      tools: [{ functionDeclarations: [{}] }],
      contents: [{ role: 'user', parts: [{ text: 'FAIL: 403 denied' }] }],
    });
    expect(gemini.status).toBe(403);
    expect(JSON.parse(gemini.text)).toMatchObject({
      error: { code: 403, status: 'PERMISSION_DENIED', message: 'denied' },
    });
  });

  it("plays Codex (exec_command with cmd) and Gemini (run_shell_command, and the auto model's router JSON)", async () => {
    const endpoint = await startModelEndpoint();
    const codex = sseData(
      (
        await post(`${endpoint.url}/v1/responses`, {
          tools: [{}],
          input: [
            {
              type: 'message',
              role: 'user',
              content: [{ type: 'input_text', text: '<environment_context>x</environment_context>' }],
            },
            { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'RUN: ls' }] },
          ],
        })
      ).text,
    );
    expect(codex.find((event) => event.type === 'response.output_item.done')).toMatchObject({
      item: { type: 'function_call', name: 'exec_command', arguments: '{"cmd":"ls"}' },
    });
    expect(codex.at(-1)).toMatchObject({
      type: 'response.completed',
      response: { usage: { input_tokens: USAGE.main.input, output_tokens: USAGE.main.output } },
    });
    const gemini = sseData(
      (
        await post(`${endpoint.url}/v1beta/models/g:streamGenerateContent?alt=sse`, {
          tools: [{ functionDeclarations: [{}] }],
          contents: [{ role: 'user', parts: [{ text: 'context' }, { text: 'RUN: ls' }] }],
        })
      ).text,
    );
    expect(gemini[0]).toMatchObject({
      candidates: [{ content: { parts: [{ functionCall: { name: 'run_shell_command', args: { command: 'ls' } } }] } }],
      usageMetadata: { promptTokenCount: USAGE.main.input },
    });
    const router = JSON.parse(
      (
        await post(`${endpoint.url}/v1beta/models/g:generateContent`, {
          generationConfig: { responseJsonSchema: { properties: { complexity_score: {} } } },
          contents: [],
        })
      ).text,
    ) as { candidates: { content: { parts: { text: string }[] } }[] };
    expect(JSON.parse(router.candidates[0]?.content.parts[0]?.text ?? '')).toMatchObject({ complexity_score: 10 });
    expect(endpoint.requests.map((request) => `${request.cli}:${request.kind}`)).toEqual([
      'codex:main',
      'gemini:main',
      'gemini:router',
    ]);
  });
});

describe('the Chat Completions side (OpenCode, Qwen Code, pi)', () => {
  it("calls the request's own shell tool per RUN line, counting tool messages, then ends with usage and [DONE]", async () => {
    const endpoint = await startModelEndpoint();
    const url = `${endpoint.url}/v1/chat/completions`;
    const tools = [
      { type: 'function', function: { name: 'read' } },
      { type: 'function', function: { name: 'run_shell_command' } },
    ];
    const prompt = { role: 'user', content: [{ type: 'text', text: 'Go.\nRUN: ls\nRUN: pwd\nSAY: Bye.' }] };
    const second = await post(url, {
      stream: true,
      tools,
      messages: [
        { role: 'system', content: 'x' },
        prompt,
        { role: 'assistant', content: null },
        { role: 'tool', content: 'a' },
      ],
    });
    expect(second.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const chunks = sseData(second.text.replace('data: [DONE]', ''));
    expect(chunks[0]).toMatchObject({
      choices: [
        { delta: { tool_calls: [{ function: { name: 'run_shell_command', arguments: '{"command":"pwd"}' } }] } },
      ],
    });
    expect(chunks[1]).toMatchObject({ choices: [{ finish_reason: 'tool_calls' }] });
    expect(chunks[2]).toMatchObject({ choices: [], usage: { prompt_tokens: USAGE.main.input } });
    const done = sseData(
      (
        await post(url, {
          stream: true,
          tools: [{ type: 'function', function: { name: 'bash' } }],
          messages: [prompt, { role: 'tool', content: 'a' }, { role: 'tool', content: 'b' }],
        })
      ).text.replace('data: [DONE]', ''),
    );
    expect(done[0]).toMatchObject({ choices: [{ delta: { content: 'Bye.' } }] });
    const refused = await post(url, {
      stream: true,
      tools,
      messages: [{ role: 'user', content: 'FAIL: 400 no such model' }],
    });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({
      error: { type: 'invalid_request_error', message: 'no such model' },
    });
  });
});
