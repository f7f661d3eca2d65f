import * as z from 'zod';
import { HOST_LINK_STATES } from '../model/words.js';

/** The status file's words for the ssh hosts that run workers. */
export const HostStatusSchema = z
  .strictObject({
    name: z.string().describe('the hosts: name'),
    state: z
      .enum(HOST_LINK_STATES)
      .describe(
        "the czar's link: connecting (no stream line yet), reachable, unreachable (its workers keep running there, out of sight), refused (another czar version)",
      ),
    since: z.string().describe('when it entered this state'),
    reason: z.string().optional().describe("why it is unreachable or refused, in ssh's or czar's words"),
    workers: z.array(z.string()).describe("the fleet's workers on this host"),
  })
  .describe('an ssh host running some of the workers, as the czar last saw it');
