import * as z from 'zod';

/** A worker's latest check run as status.json has it (rendered by status-render from the worker's model). */
export const CheckRunStatusSchema = z
  .strictObject({
    commit: z.string().describe('the commit the checks ran on'),
    state: z.enum(['running', 'passed', 'failed', 'unrun']),
    at: z.string().describe('ISO 8601 time: when the run started (running) or ended'),
    checks: z.array(z.string()).describe("the worker's checks by name, in the order they run"),
    failure: z
      .strictObject({
        check: z.string(),
        run: z.string().describe('its command line'),
        exitCode: z.number().int().optional().describe('absent when a signal ended it'),
        timedOut: z.boolean(),
        tail: z.string().describe('the last lines of its output, every control but LF and TAB pictured'),
        log: z.string().describe('the file with its whole output'),
      })
      .optional()
      .describe('the first check that failed; the ones after it did not run'),
    why: z.string().optional().describe('why czar did not run them (state unrun)'),
  })
  .describe("the latest run of the worker's checks (absent before the first): on which commit, and how it ended");
export type CheckRunStatus = z.infer<typeof CheckRunStatusSchema>;
