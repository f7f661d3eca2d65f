import { describe, expect } from 'vitest';
import { workerIn } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';
import { realAgentsMissing } from '../helpers/real-agents.js';
import { itResumesItsConversation } from '../helpers/real-resume.js';
import { deliveryMismatches, itPassesTheScenarios, task } from '../helpers/real-scenarios.js';

// Real Gemini CLI, supervised by czar through `czar up --detach`, its model played by a scripted endpoint (the shared
// scenarios are in tests/helpers/real-scenarios.ts).
const missing = realAgentsMissing('gemini');

// Gemini reads "@path" in its input as a file to attach: a pasted "w@x" once reached the model as "w @src/x.txt".
// With its escapePastedAtSymbols on, Gemini 0.61 sends a pasted "@" as "\\@" (it unescapes only a prompt that
// also attaches a file): the model reads the same words, and no file of the repo is sent in their place.
const AT_TASK = task(
  'Commit as w@x (cc ops@example.com); keep the @Component and @Input() decorators and the @scope/package import.',
  'RUN: git config user.email w@x && git config user.email > who.txt && git add who.txt && git commit -qm "scoped commit"',
  'RUN: czar report --task at --state done --note "committed as w@x"',
  'SAY: Finished.',
);
const AT_FILES = {
  'src/x.txt': 'contents of x\n',
  'Component.ts': 'contents of Component\n',
  'scope/package': 'contents of package\n',
};

describe.skipIf(missing !== '')(`real Gemini CLI under czar${missing}`, () => {
  // Beside the shared scenarios: a task full of @ reaches the model as written, attaching no file. The builder's
  // usage is exact per task: Gemini queues a paste made while its turn still runs, so the bonus task waits for the
  // end of the turn that reported done.
  itPassesTheScenarios('gemini', {
    exactUsage: true,
    extra: {
      workers: [{ name: 'at', task: AT_TASK }],
      files: AT_FILES,
      async check(fx, endpoint) {
        await fx.waitForStatus((s) => workerIn(s, 'at').state === 'done', {
          timeoutMs: 90_000,
          what: 'the @ worker done',
        });
        const sent = endpoint.requests
          .filter((request) => request.kind === 'main')
          .map((request) => JSON.stringify(request.body).replaceAll('\\\\@', '@'));
        for (const line of AT_TASK.split('\n'))
          expect(sent.some((body) => body.includes(JSON.stringify(line).slice(1, -1)))).toBe(true);
        for (const contents of Object.values(AT_FILES))
          expect(sent.some((body) => body.includes(contents.trim()))).toBe(false);
        expect(await gitIn(fx.repo, ['show', 'czar/at:who.txt'])).toBe('w@x');
        // Gemini's chat holds the task with each @ escaped: that is the task as czar pasted it.
        expect(deliveryMismatches(await fx.events())).toEqual([]);
      },
    },
  });

  // Gemini's AfterAgent hook (a plain turn end: the error is only on its screen) can reach czar before the screen's
  // "✕ [API Error: ...]" line: a reported turn end waits a moment for the screen, so no nudge goes out meanwhile.
  itResumesItsConversation('gemini');
});
