import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../../src/adapters/process.js';
import { CZAR_BIN, czar, workerEnv } from '../helpers/cli.js';
import { fleetFixture, PACKAGE_ROOT } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`web.test: ${CHROMIUM} is missing, so the browser tests skip; scripts/setup installs it.`);

describe('czar web', () => {
  const before = process.env.XDG_STATE_HOME;
  let web: ResultPromise | undefined;
  let url = '';
  let base = '';
  let token = '';
  let browser: Browser | undefined;

  /** Starts `czar web` with these arguments on this test's registry and returns the URL its first line prints. */
  async function startWeb(args: readonly string[]): Promise<string> {
    web = execa(process.execPath, [CZAR_BIN, 'web', ...args], {
      env: cleanEnv({ XDG_STATE_HOME: process.env.XDG_STATE_HOME ?? '' }),
      extendEnv: false,
      reject: false,
    });
    let printed = '';
    web.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    return waitFor(() => /^(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)\n/.exec(printed)?.[1], {
      what: 'the URL on the first line of czar web',
    });
  }

  beforeAll(async () => {
    // The registry of this test alone: fleets of other tests running on the machine stay out of the page.
    process.env.XDG_STATE_HOME = await mkdtemp(path.join(tmpdir(), 'czar-web-'));
    url = await startWeb([]);
    base = new URL(url).origin;
    token = new URL(url).searchParams.get('token') ?? '';
    if (hasChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    web?.kill('SIGTERM');
    await web;
    await rm(process.env.XDG_STATE_HOME ?? '', { recursive: true, force: true });
    if (before === undefined) delete process.env.XDG_STATE_HOME;
    else process.env.XDG_STATE_HOME = before;
  });

  it('prints a token URL on 127.0.0.1, refuses every request without the token and actions from another origin', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    for (const target of ['/', '/events', '/api/worker?fleet=x&worker=y', `/?token=${token}x`]) {
      const response = await fetch(`${base}${target}`);
      expect(response.status, target).toBe(401);
      expect(await response.text()).not.toMatch(/project|workers/);
    }
    const action = (headers: Record<string, string>, query = '') =>
      fetch(`${base}/api/action${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ fleet: 'x', kind: 'pause' }),
      });
    // The token in the URL alone (what a link or an image on another page could carry) does not act.
    expect((await action({ origin: base }, `?token=${token}`)).status).toBe(401);
    expect((await action({ 'x-czar-token': token, origin: 'http://evil.example' })).status).toBe(403);
    expect((await action({ 'x-czar-token': token })).status).toBe(403);
    expect((await action({ 'x-czar-token': token, origin: base })).status).toBe(404);
  });

  it.skipIf(!hasChromium)(
    'shows two fleets live, a report as it comes, sends a message from the page, and fits 390 px',
    async () => {
      const one = await fleetFixture({ workers: [{ name: 'api', task: '# Long\n@sim work 300 reading' }] });
      const two = await fleetFixture({
        workers: [
          { name: 'db', task: '# Short\n@sim work 1 reading' },
          { name: 'q', task: '# Ask\n@sim ask Which database should I use?' },
        ],
        policy: { idle_after: '1m', escalate_after: '1m' },
      });
      await Promise.all([one.launchWave(), two.launchWave()]);
      await one.supervise();
      await two.supervise();

      const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url);
      for (const project of [one.fleet.config.project, two.fleet.config.project])
        await page.locator(`section[data-project="${project}"]`).waitFor();
      await page.locator('#connection', { hasText: 'live' }).waitFor();

      // A worker's report, with markup and a terminal escape in its note, reaches the page as plain visible text.
      const env = await workerEnv(one.fleet.config.project, one.fleet.paths.root, 'api');
      const note = 'step 2 <img src=x onerror=alert(1)> \x1b[31mred';
      const reported = await czar(['report', '--state', 'working', '--progress', '40', '--note', note], {
        cwd: path.join(one.root, 'workers', 'api'),
        env,
      });
      expect(reported.stderr).toBe('');
      const card = page.locator(`section[data-project="${one.fleet.config.project}"] [data-worker="api"]`);
      // Live, without a reload: how fast is measured by `npm run bench -- web`, not timed here.
      await card.locator('.note', { hasText: 'step 2 <img src=x onerror=alert(1)> ␛[31mred' }).waitFor();
      expect(await page.locator('img').count()).toBe(0);

      // A waiting worker is first under Needs you; the answer typed on the page reaches its agent through the czar.
      const need = page.locator(`#needs-list [data-worker="q"]`);
      await need.waitFor();
      expect(await need.textContent()).toMatch(/needs your input: Which database should I use\?Answer$/);
      await need.locator('button').click();
      await page.locator('#detail-title', { hasText: '/ q' }).waitFor();
      await page.locator('#detail-close').click();
      await page.locator(`section[data-project="${two.fleet.config.project}"] [data-worker="db"]`).click();
      await page.locator('#detail-title', { hasText: '/ db' }).waitFor();
      await page.locator('#act-text').fill('use the staging database');
      await page.locator('#act button[data-kind="send"]').click();
      const answer = await waitFor(
        async () => {
          const text = (await page.locator('#act-result').textContent()) ?? '';
          return text !== '' && text !== 'send…' ? text : undefined;
        },
        { what: "the czar's answer on the page", timeoutMs: 30_000 },
      );
      expect(answer).toBe('delivered the message to db');
      await waitFor(async () => (await two.captures('db')).some((text) => text.includes('use the staging database')), {
        what: 'the message in the worker db',
      });
      // Its budget, set from the page, is the czar's answer to the same request as "czar budget db --usd 7.50".
      await page.locator('#act-text').fill('7.50');
      await page.locator('#act button[data-kind="budget"]').click();
      await page.locator('#act-result', { hasText: 'set the budget of db to $7.5 (it was none)' }).waitFor();
      await page.locator('#detail-pane', { hasText: /\S/ }).waitFor();
      if (process.env.CZAR_WEB_SCREENSHOTS === '1')
        await page.screenshot({ path: path.join(PACKAGE_ROOT, 'docs', 'web-detail.png') });
      await page.locator('#detail-close').click();

      if (process.env.CZAR_WEB_SCREENSHOTS === '1')
        await page.screenshot({ path: path.join(PACKAGE_ROOT, 'docs', 'web-desktop.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      const sideways = () => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(await sideways()).toBeLessThanOrEqual(0);
      if (process.env.CZAR_WEB_SCREENSHOTS === '1')
        await page.screenshot({ path: path.join(PACKAGE_ROOT, 'docs', 'web-phone.png'), fullPage: true });
      await card.click();
      await page.locator('#detail-pane', { hasText: /\S/ }).waitFor();
      expect(await sideways()).toBeLessThanOrEqual(0);

      await page.close();
    },
  );

  it.skipIf(!hasChromium)(
    'an open page says it is disconnected when czar web stops, and goes live again by itself when it starts again',
    async () => {
      const fx = await fleetFixture({ workers: [{ name: 'api', task: '# Long\n@sim work 300 reading' }] });
      await fx.launchWave();
      await fx.supervise();
      const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(url);
      await page.locator('#connection', { hasText: 'live' }).waitFor();
      const card = page.locator(`section[data-project="${fx.fleet.config.project}"] [data-worker="api"]`);
      await card.waitFor();

      web?.kill('SIGTERM');
      await web;
      await page.locator('#connection', { hasText: 'disconnected' }).waitFor();
      // Started again on the same port, czar web keeps its token: the page's URL is still good.
      expect(await startWeb(['--port', new URL(url).port])).toBe(url);
      await page.locator('#connection', { hasText: 'live' }).waitFor({ timeout: 30_000 });
      const env = await workerEnv(fx.fleet.config.project, fx.fleet.paths.root, 'api');
      const reported = await czar(['report', '--state', 'working', '--note', 'after the reconnect'], {
        cwd: path.join(fx.root, 'workers', 'api'),
        env,
      });
      expect(reported.stderr).toBe('');
      await card.locator('.note', { hasText: 'after the reconnect' }).waitFor();
      await page.close();

      // A new token retires the old URL.
      web?.kill('SIGTERM');
      await web;
      const retired = token;
      url = await startWeb(['--new-token']);
      base = new URL(url).origin;
      token = new URL(url).searchParams.get('token') ?? '';
      expect(token).not.toBe(retired);
      expect((await fetch(`${base}/?token=${retired}`)).status).toBe(401);
    },
  );

  it.skipIf(!hasChromium)('shows a spawned child under its parent', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'a', task: '# First\n@sim work 300 reading' },
        // It plans first: a spawn needs the czar, which this fixture starts after the launch (czar up waits for it).
        {
          name: 'p',
          task: '# Parent\n@sim work 3 planning\n@sim spawn kid # Kid\\n@sim work 300 reading\n@sim work 300 waiting',
        },
        { name: 'z', task: '# Last\n@sim work 300 reading' },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    const page = await browser!.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(url);
    const section = page.locator(`section[data-project="${fx.fleet.config.project}"]`);
    await section.locator('[data-worker="kid"]').waitFor({ timeout: 60_000 });
    const order = await page.evaluate<string[]>(
      `[...document.querySelectorAll('section[data-project="${fx.fleet.config.project}"] article.worker')].map(
        (card) => card.getAttribute('data-worker') + (card.classList.contains('child') ? '+' : ''))`,
    );
    expect(order).toEqual(['a', 'p', 'kid+', 'z']);
    expect(await section.locator('[data-worker="kid"]').textContent()).toContain('↳ sub-worker of p');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(
      0,
    );
    await page.close();
  });

  it.skipIf(!hasChromium)(
    "shows a worker's checkpoints on its card and in its detail, and another's check results with the failure's tail",
    async () => {
      const fx = await fleetFixture({
        workers: [
          {
            name: 'steps',
            task: '# Three steps\n- [ ] Lexer\n- [ ] Parser\n- [ ] Docs\n@sim write lexer.txt lexer\n@sim commit the lexer\n@sim checkpoint 1\n@sim work 300 the parser',
          },
          { name: 'fin', task: '# Finish\n@sim write src/fin.ts export {};\\n\n@sim commit fin\n@sim done finished' },
        ],
        // The failing check's output carries a terminal escape: the page must show it pictured.
        checks: [
          { name: 'lint', run: 'true', timeout: '30s' },
          { name: 'unit', run: "printf 'expected 2\\033[31m got 3\\n'; exit 1", timeout: '30s' },
          { name: 'e2e', run: 'true', timeout: '30s' },
        ],
        integration: { checks: [] },
        policy: { idle_after: '1m', escalate_after: '1m' },
      });
      await fx.launchWave();
      await fx.supervise();
      const page = await browser!.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(url);
      const section = page.locator(`section[data-project="${fx.fleet.config.project}"]`);

      const steps = section.locator('[data-worker="steps"]');
      await steps
        .locator('.checkpoints', { hasText: 'checkpoints 1/3 · next: 2. Parser' })
        .waitFor({ timeout: 30_000 });
      const lexer = (await gitIn(path.join(fx.root, 'workers', 'steps'), ['rev-parse', 'HEAD'])).trim();
      await steps.click();
      const detail = page.locator('#detail-facts');
      await detail.locator('.checkpoints-part h3', { hasText: 'Checkpoints 1/3' }).waitFor();
      expect(await detail.locator('.checkpoints-part li').allTextContents()).toEqual([
        `✓ Lexer ${lexer.slice(0, 12)}`,
        '→ Parser (next)',
        '○ Docs',
      ]);
      expect(await detail.locator('.checks-part').count()).toBe(0);
      // No note, checks or review yet: nothing of them is said, least of all "undefined".
      expect(await detail.textContent()).not.toMatch(/undefined|\[object/);
      await page.locator('#detail-close').click();

      await section.locator('[data-worker="fin"]').click();
      await page.locator('#detail-title', { hasText: '/ fin' }).waitFor();
      const checks = detail.locator('.checks-part');
      await checks.locator('.state', { hasText: 'failed' }).waitFor({ timeout: 60_000 });
      const tip = (await gitIn(path.join(fx.root, 'workers', 'fin'), ['rev-parse', 'HEAD'])).trim();
      expect(await checks.locator('code').textContent()).toBe(tip.slice(0, 12));
      expect(await checks.locator('.check-list li').allTextContents()).toEqual([
        'lint: passed',
        'unit: failed',
        'e2e: not run',
      ]);
      expect(await checks.locator('.alert').textContent()).toMatch(
        /^unit \(printf .*\) exited with 1; its output ends:$/,
      );
      expect(await checks.locator('pre.tail').textContent()).toContain('expected 2␛[31m got 3');
      // Its alert is a paragraph of its own, not an object's name.
      await detail.locator('p.alert', { hasText: '⚠ checks_failed: ' }).waitFor();
      expect(await detail.textContent()).not.toMatch(/undefined|\[object/);
      expect(
        await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
      ).toBeLessThanOrEqual(0);
      await page.close();
    },
  );
});
