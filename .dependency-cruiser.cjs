// The import graph of src/, checked by `npm run lint:deps`: no cycles, and imports point inward
// (cli -> everything; host-side -> supervisor sources; supervisor -> launch, delivery, domain and ports;
// adapters -> domain types; domain -> nothing with I/O). Inside domain/ and supervisor/ each room says which room
// it may import (docs/architecture.md draws them).
// Type-only imports count too: a type that reaches up a layer couples the layers just the same.
const above = (folders) => `^src/(${folders.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle: the files cannot be read, tested or moved one at a time. Move what both need to a leaf file.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ holds types and pure decisions: it imports nothing outside domain/.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'adapters-only-wrap-io',
      severity: 'error',
      comment:
        'adapters/ wrap tmux, git, ssh and files for the layers above; they know domain types, not their callers.',
      from: { path: '^src/adapters/' },
      to: {
        path: above([
          'agents',
          'supervisor',
          'launch',
          'delivery',
          'host-side',
          'fleet',
          'integration',
          'cli',
          'ui',
          'web',
          'demo',
          'sim',
        ]),
      },
    },
    {
      name: 'launch-below-supervisor',
      severity: 'error',
      comment: 'launch/ and fleet/ start and hold the fleet; the supervisor and integration use them, not the reverse.',
      from: { path: above(['launch', 'fleet']) },
      to: { path: above(['supervisor', 'integration', 'cli', 'ui', 'web']) },
    },
    {
      name: 'delivery-below-launch',
      severity: 'error',
      comment:
        'delivery/ puts one message into one pane (a launch brief, a nudge, a bonus task); launch and the supervisor call it.',
      from: { path: '^src/delivery/' },
      to: { path: above(['launch', 'fleet', 'supervisor', 'integration', 'host-side', 'cli', 'ui', 'web']) },
    },
    {
      name: 'host-side-is-its-own-program',
      severity: 'error',
      comment: 'host-side/ is the program czar runs on an SSH host; only its CLI commands start it.',
      from: { path: '^src/', pathNot: '^src/(host-side|cli)/' },
      to: { path: '^src/host-side/' },
    },
    {
      name: 'sources-below-effects-and-loop',
      severity: 'error',
      comment:
        'A source turns raw input into observations in the model store; it neither runs effects nor drives the loop (it may read the loop clock pace).',
      from: { path: '^src/supervisor/sources/' },
      to: { path: '^src/supervisor/(effects|loop)/', pathNot: '^src/supervisor/loop/pass-clock\\.ts$' },
    },
    {
      name: 'effects-below-loop',
      severity: 'error',
      comment: 'The executor only executes: the loop calls it, never the reverse.',
      from: { path: '^src/supervisor/effects/' },
      to: { path: '^src/supervisor/loop/' },
    },
    {
      name: 'domain-facts-do-not-decide',
      severity: 'error',
      comment:
        'domain/model, usage and learning are facts and their arithmetic: decisions live in domain/policy (decide() and its rules), words for people in domain/text.',
      from: { path: '^src/domain/(model|usage|learning)/' },
      to: { path: '^src/domain/(policy|text)/' },
    },
    {
      name: 'policy-writes-no-text',
      severity: 'error',
      comment: 'decide() returns actions; the words a worker or person reads are rendered from them in domain/text.',
      from: { path: '^src/domain/(policy|status)/' },
      to: { path: '^src/domain/text/' },
    },
    {
      name: 'integration-below-supervisor',
      severity: 'error',
      comment: 'The integration runner is driven by the supervisor and the CLI; it imports neither.',
      from: { path: '^src/integration/' },
      to: { path: above(['supervisor', 'cli', 'ui', 'web']) },
    },
    {
      name: 'supervisor-below-the-surfaces',
      severity: 'error',
      comment:
        'The supervisor is driven by the CLI and read by the dashboard and the page through ports; it imports none of them.',
      from: { path: '^src/supervisor/' },
      to: { path: above(['cli', 'ui', 'web']) },
    },
    {
      name: 'surfaces-apart',
      severity: 'error',
      comment: 'The dashboard and the web page are two surfaces over the same status; neither imports the other.',
      from: { path: above(['ui', 'web']) },
      to: { path: above(['ui', 'web']), pathNot: '^src/$1/' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment: 'cli/ is the composition root: only bin/ imports it. Move what others need out of cli/.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
