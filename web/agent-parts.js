// Each agent's record per task kind in this repository (status.agents), under a fleet's facts (inlined before page.js).
/* global el */
/* exported agentsPart */

/** A small table: agent, kind, tasks, first-try rate, review rounds, minutes and dollars per verified task. */
function agentsPart(status) {
  const agents = status?.agents;
  if (agents === undefined || agents.length === 0) return undefined;
  const cell = (tag, text) => el(tag, {}, text);
  const head = ['agent', 'kind', 'tasks', 'first try', 'review rounds', 'min/verified', '$/verified'];
  const rows = agents.map((row) =>
    el(
      'tr',
      {},
      cell('td', row.agent),
      cell('td', row.kind),
      cell('td', String(row.tasks)),
      cell('td', `${Math.round(row.firstTryRate * 100)}% (${row.firstTry})`),
      cell('td', row.meanReviewRounds.toFixed(1)),
      cell('td', row.minutesPerVerified === undefined ? '-' : row.minutesPerVerified.toFixed(1)),
      cell('td', row.usdPerVerified === undefined ? '-' : `$${row.usdPerVerified.toFixed(2)}`),
    ),
  );
  return el(
    'details',
    { class: 'agents' },
    el('summary', {}, 'agents in this repository'),
    el(
      'table',
      {},
      el(
        'tr',
        {},
        head.map((text) => cell('th', text)),
      ),
      rows,
    ),
  );
}
