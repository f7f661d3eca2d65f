// A worker's checkpoints and check results, for its card and its detail (inlined after dom.js, before page.js).
/* global el */
/* exported checkpointsLine, checkpointsPart, checksPart */

const shortSha = (sha) => String(sha).slice(0, 12);
const clock = (iso) => String(iso).slice(11, 19);

/** `checkpoints 1/3 · next: 2. Parser` for a worker's card, as the dashboard's PROG column and detail say it. */
function checkpointsLine(worker) {
  const checkpoints = worker.checkpoints;
  if (checkpoints === undefined) return undefined;
  const next = checkpoints.next;
  return el(
    'div',
    { class: 'line checkpoints' },
    `checkpoints ${checkpoints.done}/${checkpoints.total}`,
    next === undefined ? ' · all done' : ` · next: ${next.number}. ${next.text}`,
  );
}

/** Every checkpoint of the current task: done ones with the commit they came with, the next one marked. */
function checkpointsPart(worker) {
  const checkpoints = worker.checkpoints;
  if (checkpoints === undefined) return undefined;
  const nextNumber = checkpoints.next?.number;
  const items = checkpoints.items.map((item, index) => {
    const done = item.doneAt !== undefined;
    const next = index + 1 === nextNumber;
    return el(
      'li',
      { class: done ? 'done' : next ? 'next' : undefined, 'data-done': done },
      `${done ? '✓' : next ? '→' : '○'} ${item.text}`,
      done && item.commit !== undefined && el('code', {}, ` ${shortSha(item.commit)}`),
      next && el('strong', {}, ' (next)'),
    );
  });
  return el(
    'section',
    { class: 'checkpoints-part' },
    el('h3', {}, `Checkpoints ${checkpoints.done}/${checkpoints.total}`),
    el('ol', {}, items),
  );
}

const CHECK_STATE = { passed: 'good', failed: 'bad' };

/** The latest run of the worker's checks: on which commit, each check's result, and a failure's output tail. */
function checksPart(worker) {
  const run = worker.checks;
  if (run === undefined) return undefined;
  const failedAt = run.failure === undefined ? -1 : run.checks.indexOf(run.failure.check);
  // The checks run in order and a failure ends the run: the ones before it passed, the ones after it did not run.
  const result = (index) => {
    if (run.state !== 'failed') return run.state;
    if (failedAt < 0) return 'unknown';
    return index < failedAt ? 'passed' : index === failedAt ? 'failed' : 'not run';
  };
  const failure = run.failure;
  const ending =
    failure === undefined
      ? undefined
      : failure.timedOut
        ? 'timed out'
        : failure.exitCode === undefined
          ? 'ended by a signal'
          : `exited with ${failure.exitCode}`;
  return el(
    'section',
    { class: 'checks-part' },
    el('h3', {}, 'Checks'),
    el(
      'p',
      {},
      el('span', { class: `state ${CHECK_STATE[run.state] ?? ''}` }, run.state),
      ' on ',
      el('code', {}, shortSha(run.commit)),
      ` at ${clock(run.at)}`,
    ),
    el(
      'ul',
      { class: 'check-list' },
      run.checks.map((name, index) => el('li', { 'data-check': name }, `${name}: ${result(index)}`)),
    ),
    failure && el('p', { class: 'alert' }, `${failure.check} (${failure.run}) ${ending}; its output ends:`),
    failure && el('pre', { class: 'pane tail' }, failure.tail),
    failure && el('p', { class: 'quiet' }, `whole output: ${failure.log}`),
  );
}
