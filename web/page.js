// czar web's page: plain DOM, no framework, drawn with the helpers of dom.js and worker-parts.js (inlined before it).
/* global visible, el, nodes, checkpointsLine, checkpointsPart, checksPart, agentsPart */
'use strict';
(() => {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  /** Fleet views by id, as the server last sent them. */
  const fleets = new Map();
  /** The worker whose detail is open: { fleet, worker }. */
  let open;
  let drawPending = false;

  const BAD = new Set(['stuck', 'crashed', 'blocked', 'waiting', 'api_error', 'over_budget', 'worktree_missing']);
  const GOOD = new Set(['done', 'verified']);
  const stateBadge = (state) =>
    el('span', { class: `state ${BAD.has(state) ? 'bad' : GOOD.has(state) ? 'good' : ''}` }, state);
  const dollars = (usd) => (typeof usd === 'number' ? `$${usd.toFixed(2)}` : undefined);

  function connection(live, text) {
    const node = document.getElementById('connection');
    node.textContent = text;
    node.classList.toggle('down', !live);
  }

  function connect() {
    const source = new EventSource(`/events?token=${encodeURIComponent(token)}`);
    source.addEventListener('open', () => connection(true, 'live'));
    source.addEventListener('error', () => {
      connection(false, 'disconnected: reconnecting…');
      // A refused stream (czar web restarted with another token) is closed for good: keep trying, the page says so.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
    });
    source.addEventListener('fleet', (message) => {
      const view = JSON.parse(message.data);
      fleets.set(view.id, view);
      draw();
      if (open !== undefined && open.fleet === view.id) refreshDetail();
    });
    source.addEventListener('gone', (message) => {
      fleets.delete(JSON.parse(message.data).id);
      draw();
    });
  }

  /** Redraws once per frame however many updates arrive in it. */
  function draw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      drawNeeds();
      drawFleets();
    });
  }

  const ACTION_LABEL = {
    answer: 'Answer',
    send: 'Send a message',
    restart: 'Restart',
    resume: 'Resume',
    comment: 'Comment',
  };

  /** What the Needs you list last drew: it is drawn again only when that changes. */
  let drawnNeeds = '';

  // Drawn again only when it changes: a list replaced between a press and its release loses the click.
  function drawNeeds() {
    const shown = JSON.stringify([...fleets.values()].map((fleet) => [fleet.id, fleet.project, fleet.needs]));
    if (shown === drawnNeeds) return;
    drawnNeeds = shown;
    const items = [...fleets.values()].flatMap((fleet) =>
      fleet.needs.map((need) =>
        el(
          'li',
          { class: 'need', 'data-fleet': fleet.id, 'data-worker': need.worker },
          el('strong', {}, `${fleet.project} / ${need.worker}`),
          el('span', { class: 'reason' }, need.reason),
          button(ACTION_LABEL[need.action] ?? need.action, () => showDetail(fleet.id, need.worker, need.action)),
        ),
      ),
    );
    document.getElementById('needs-list').replaceChildren(...items);
    document.getElementById('needs-none').hidden = items.length > 0;
  }

  function button(label, onClick) {
    const node = el('button', { type: 'button' }, label);
    node.addEventListener('click', onClick);
    return node;
  }

  function drawFleets() {
    const sections = [...fleets.values()]
      .sort((a, b) => a.project.localeCompare(b.project))
      .map((fleet) => fleetSection(fleet));
    document.getElementById('fleets').replaceChildren(...sections);
    document.getElementById('no-fleets').hidden = sections.length > 0;
  }

  function fleetSection(fleet) {
    const status = fleet.status;
    const usage = status?.usage;
    const budget = usage?.budget;
    const limit = (l) => [dollars(l?.usd), l?.tokens && `${l.tokens} tokens`].filter(Boolean).join(', ') || 'none';
    const integration = status?.integration;
    const facts = el(
      'div',
      { class: 'facts' },
      el('span', {}, fleet.running ? 'running' : 'stopped (its czar is gone)'),
      el('span', {}, `repo ${fleet.repo}`),
      status && el('span', {}, `base ${status.base}`),
      status?.paused && el('span', {}, 'paused'),
      status?.sprintOver && el('span', {}, 'sprint over'),
      usage && el('span', {}, `spent ${dollars(usage.usd)} · ${dollars(usage.usdPerHour)}/h`),
      budget && el('span', {}, `budget: worker ${limit(budget.worker)}; fleet ${limit(budget.fleet)}`),
      integration &&
        el(
          'span',
          {},
          `integration ${integration.branch}: ${integration.holds.length} merged` +
            (integration.conflicts.length > 0 ? `, ${integration.conflicts.length} in conflict` : ''),
        ),
      status &&
        el('span', {}, `queue: ${status.queue.length ? status.queue.map((task) => task.title).join(', ') : 'empty'}`),
    );
    const workers = familyOrder(status?.workers ?? []).map(({ worker, depth }) => workerCard(fleet, worker, depth));
    return el(
      'section',
      { class: `fleet ${fleet.running ? '' : 'stopped'}`, 'data-fleet': fleet.id, 'data-project': fleet.project },
      el('h2', {}, fleet.project),
      facts,
      agentsPart(status),
      el('div', { class: 'workers' }, workers),
    );
  }

  /** Workers as a tree: each spawned child right under its parent (and its own children under it); the rest in order. */
  function familyOrder(workers) {
    const names = new Set(workers.map((worker) => worker.name));
    const ordered = [];
    const place = (worker, depth) => {
      ordered.push({ worker, depth });
      for (const child of workers) if (child.parent === worker.name && depth < 8) place(child, depth + 1);
    };
    for (const worker of workers) if (worker.parent === undefined || !names.has(worker.parent)) place(worker, 0);
    return ordered;
  }

  function workerCard(fleet, worker, depth) {
    const git = worker.git;
    const card = el(
      'article',
      {
        class: depth > 0 ? 'worker child' : 'worker',
        'data-worker': worker.name,
        tabindex: 0,
      },
      el('div', {}, el('span', { class: 'name' }, worker.name), stateBadge(worker.state), worker.paused && ' paused'),
      worker.parent && el('div', { class: 'line quiet' }, `↳ sub-worker of ${worker.parent}`),
      handedOverLine(worker),
      el('div', { class: 'line' }, worker.title),
      typeof worker.progress === 'number' && el('progress', { max: 100, value: worker.progress }),
      checkpointsLine(worker),
      worker.note && el('div', { class: 'line note' }, worker.note),
      el(
        'div',
        { class: 'line quiet' },
        `${worker.branch} · ${git.commitsAhead} commit(s)`,
        worker.usage && ` · ${dollars(worker.usage.usd)}`,
      ),
      worker.alerts.map((alert) => el('div', { class: 'alert' }, `⚠ ${alert.message}`)),
    );
    card.addEventListener('click', () => showDetail(fleet.id, worker.name));
    return card;
  }

  function handedOverLine(worker) {
    const last = worker.handedOver?.at(-1);
    return last && el('div', { class: 'line note' }, `↪ handed over from ${last.from} to ${last.to}: ${last.reason}`);
  }

  function showDetail(fleetId, workerName, action) {
    open = { fleet: fleetId, worker: workerName };
    const fleet = fleets.get(fleetId);
    document.getElementById('detail-title').textContent = visible(`${fleet?.project ?? ''} / ${workerName}`);
    document.getElementById('act-result').textContent = '';
    const dialog = document.getElementById('detail');
    if (!dialog.open) dialog.showModal();
    if (action === 'answer' || action === 'send' || action === 'comment') document.getElementById('act-text').focus();
    void refreshDetail();
  }

  async function refreshDetail() {
    if (open === undefined) return;
    const asked = open;
    const query = new URLSearchParams({ token, fleet: asked.fleet, worker: asked.worker });
    const response = await fetch(`/api/worker?${query}`).catch(() => undefined);
    if (response === undefined || !response.ok || open !== asked) return;
    const detail = await response.json();
    const worker = detail.worker;
    const review = worker.review;
    document.getElementById('detail-facts').replaceChildren(
      ...nodes(
        el('p', {}, stateBadge(worker.state), ` ${worker.title}`),
        worker.note && el('p', {}, worker.note),
        el(
          'p',
          { class: 'quiet' },
          `${worker.branch}: ${worker.git.commitsAhead} commit(s) ahead`,
          worker.git.lastCommit && ` · last: ${worker.git.lastCommit.subject}`,
        ),
        el(
          'p',
          { class: 'quiet' },
          `changed: ${worker.git.filesChanged.join(', ') || 'nothing yet'}`,
          worker.git.dirty.length ? ` · uncommitted: ${worker.git.dirty.join(', ')}` : '',
        ),
        handedOverLine(worker),
        checkpointsPart(worker),
        checksPart(worker),
        review &&
          el(
            'div',
            {},
            el(
              'p',
              {},
              `review: ${review.state}, round ${review.round} of ${review.maxRounds}`,
              review.summary && ` · ${review.summary}`,
            ),
            el(
              'ul',
              {},
              review.findings.map((finding) => el('li', {}, JSON.stringify(finding))),
            ),
          ),
        worker.alerts.map((alert) => el('p', { class: 'alert' }, `⚠ ${alert.kind}: ${alert.message}`)),
      ),
    );
    document.getElementById('detail-pane').textContent = visible(detail.pane).replace(/\u240a/g, '\n');
    document.getElementById('detail-events').replaceChildren(
      ...detail.events
        .slice()
        .reverse()
        .map((event) => el('li', {}, `${event.at.slice(11, 19)} ${event.kind}: ${event.message}`)),
    );
  }

  async function act(kind) {
    if (open === undefined) return;
    const text = document.getElementById('act-text').value;
    const result = document.getElementById('act-result');
    result.textContent = `${kind}…`;
    const body = {
      fleet: open.fleet,
      kind,
      worker: open.worker,
      ...(kind === 'send' || kind === 'comment' || kind === 'budget' ? { text } : {}),
    };
    try {
      const response = await fetch('/api/action', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-czar-token': token },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      result.textContent = visible(answer.message);
      if (answer.ok && (kind === 'send' || kind === 'comment' || kind === 'budget'))
        document.getElementById('act-text').value = '';
    } catch (error) {
      result.textContent = `Not sent: ${visible(String(error))}`;
    }
  }

  for (const node of document.querySelectorAll('#act button[data-kind]'))
    node.addEventListener('click', () => void act(node.getAttribute('data-kind')));
  document.getElementById('detail-close').addEventListener('click', () => document.getElementById('detail').close());
  document.getElementById('detail').addEventListener('close', () => {
    open = undefined;
  });
  connect();
})();
