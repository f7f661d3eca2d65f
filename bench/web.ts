import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CZAR, median, ms, percentile, row } from './harness.js';
import { cpuSeconds, czarPid, launchFleet, report, settled, statusShows, until, type Fleet } from './supervise.js';

const CHROMIUM = '/usr/bin/chromium';
const SAMPLES = 30;
const CPU_WINDOW_S = 20;
const SETTLE_MS = 10_000;
const QUIET_TASK = 'Wait here.\n@sim quiet\n';

/** `czar web` on a free port: its process and the URL its first line prints. */
async function startWeb(): Promise<{ web: ResultPromise; url: string }> {
  const web = execa(process.execPath, [CZAR, 'web'], { reject: false });
  let printed = '';
  web.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const url = await until(() => /^(http:\S+)\n/.exec(printed)?.[1], 15_000, 'the URL of czar web');
  return { web, url };
}

/**
 * Report -> shown on the page, for `samples` reports over the fleet's workers: the page takes the time itself (a
 * mutation observer's Date.now() when the note is in the card), so no browser round trip is counted. Beside each,
 * the same report's report -> status.json, the czar's share, which the page's share is measured against.
 */
async function pageLatency(page: Page, fleet: Fleet, workers: number): Promise<{ page: number[]; status: number[] }> {
  const section = `section[data-project="${fleet.project}"]`;
  await page.locator(section).waitFor({ timeout: 60_000 });
  const shownOnPage: number[] = [];
  const shownInStatus: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const worker = `w${(i % workers) + 1}`;
    const note = `web-bench-${i}`;
    const selector = `${section} [data-worker="${worker}"] .note`;
    // An observer in the page notes the moment the card shows the note (a string: the bench has no DOM types; void, so
    // the evaluation does not wait for it).
    await page.evaluate(`void (window.czarBenchShown = new Promise((resolve) => {
      const shown = () => document.querySelector(${JSON.stringify(selector)})?.textContent === ${JSON.stringify(note)};
      const observer = new MutationObserver(() => {
        if (shown()) { observer.disconnect(); resolve(Date.now()); }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    }))`);
    const onPage = page.evaluate<number>('window.czarBenchShown');
    const inStatus = statusShows(fleet, worker, note);
    const startWall = Date.now();
    const start = await report(fleet, worker, 'working', note);
    shownInStatus.push((await inStatus) - start);
    shownOnPage.push((await onPage) - startWall);
    await sleep(50);
  }
  return { page: shownOnPage, status: shownInStatus };
}

async function czarCpu(fleet: Fleet, web?: number): Promise<{ czar: number; web: number }> {
  const pid = czarPid(fleet);
  const czarStart = cpuSeconds(pid);
  const webStart = web === undefined ? 0 : cpuSeconds(web);
  const wallStart = performance.now();
  await sleep(CPU_WINDOW_S * 1000);
  const seconds = (performance.now() - wallStart) / 1000;
  return {
    czar: ((cpuSeconds(pid) - czarStart) / seconds) * 100,
    web: web === undefined ? 0 : ((cpuSeconds(web) - webStart) / seconds) * 100,
  };
}

/** `npm run bench -- web`: report -> page at 20 and 100 workers, and the czar's CPU with the page open and closed. */
export async function benchWeb(print: (line: string) => void): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    print(`skip web: ${CHROMIUM} is missing (scripts/setup installs it)`);
    return;
  }
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const { web, url } = await startWeb();
  try {
    for (const size of [20, 100]) {
      const fleet = await launchFleet(`web${size}`, size, 'idle_after: 1h, stuck_after: 2h', QUIET_TASK);
      try {
        await settled(fleet, size);
        print(`web: ${size} simulated workers, ${SAMPLES} reports, page in chromium`);
        if (size === 20) {
          let page = await browser.newPage();
          await page.goto(url);
          const { page: onPage, status } = await pageLatency(page, fleet, size);
          // After the reports have settled, the page open and closed in turn: a window right after the reports
          // would catch their tail, and whichever came first would pay for it.
          await sleep(SETTLE_MS);
          const windows: { open: boolean; czar: number; web: number }[] = [];
          for (const open of [true, false, true, false]) {
            if (open && page.isClosed()) {
              page = await browser.newPage();
              await page.goto(url);
            }
            if (!open && !page.isClosed()) await page.close();
            windows.push({ open, ...(await czarCpu(fleet, open ? web.pid : undefined)) });
          }
          printLatency(print, size, onPage, status);
          const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
          const open = {
            czar: mean(windows.filter((w) => w.open).map((w) => w.czar)),
            web: mean(windows.filter((w) => w.open).map((w) => w.web)),
          };
          const closed = { czar: mean(windows.filter((w) => !w.open).map((w) => w.czar)) };
          const added = open.czar - closed.czar;
          print(
            row(
              'czar CPU, 20 quiet workers, page closed (baseline, 2 windows)',
              `${closed.czar.toFixed(2)} %`,
              'n/a',
              true,
            ),
          );
          print(row('czar CPU, same fleet, page open (2 windows)', `${open.czar.toFixed(2)} %`, '-', true));
          print(row('  added by the open page', `${added.toFixed(2)} %`, '<= 0.2 % of a core', added <= 0.2));
          print(row('czar web itself, page open', `${open.web.toFixed(2)} %`, '-', true));
        } else {
          const page = await browser.newPage();
          await page.goto(url);
          const { page: onPage, status } = await pageLatency(page, fleet, size);
          await page.close();
          printLatency(print, size, onPage, status);
        }
      } finally {
        fleet.stop();
      }
    }
  } finally {
    await browser.close();
    web.kill('SIGTERM');
    await web;
  }
}

function printLatency(print: (line: string) => void, size: number, onPage: number[], status: number[]): void {
  const p95 = percentile(onPage, 95);
  print(row(`report -> page p50 (${size} workers)`, ms(median(onPage)), '-', true));
  print(row(`report -> page p95 (${size} workers)`, ms(p95), '< 100 ms', p95 < 100));
  print(
    row(
      `report -> status.json p50 / p95, same reports (baseline)`,
      `${ms(median(status))} / ${ms(percentile(status, 95))}`,
      'n/a',
      true,
    ),
  );
  print(row('  ratio page p95 / status.json p95', `${(p95 / percentile(status, 95)).toFixed(2)}x`, '-', true));
}
