import { request, Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startModelEndpoint } from '../helpers/model-endpoint.js';

/** One POST on `agent`, answered whole; whether it went over a connection the agent had kept. */
function post(agent: Agent, url: string): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const call = request(`${url}/v1/messages`, { method: 'POST', agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, reused: call.reusedSocket }));
    });
    call.on('error', reject);
    call.end(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'SAY: hello' }] }));
  });
}

describe('the scripted model endpoint', () => {
  it('keeps an idle connection open between turns, as an agent that does not retry reuses it', async () => {
    const endpoint = await startModelEndpoint();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await post(agent, endpoint.url)).status).toBe(200);
      // Longer than Node's own 5 s: a server closing the connection then raced the next turn's request (ECONNRESET).
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(await post(agent, endpoint.url)).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });
});
