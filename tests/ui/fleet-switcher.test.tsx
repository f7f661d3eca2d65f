import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { FleetSwitcher } from '../../src/ui/fleet-switcher.js';
import { fixtureSnapshot, fixtureStatus, memoryStore } from '../fixtures/fleet-status.js';
import { lines, recordingActions, settle } from './fakes.js';

afterEach(() => cleanup());

const [first] = fixtureStatus.workers;
if (first === undefined) throw new Error('the fixture has no workers');
const docs = memoryStore(
  fixtureSnapshot({
    status: {
      ...fixtureStatus,
      project: 'docs-site',
      workers: [{ ...first, name: 'glossary', title: 'Write the glossary' }],
    },
    events: [],
    paneTails: {},
  }),
);

function twoFleets() {
  const shop = recordingActions();
  const site = recordingActions();
  const fleets = [
    { name: 'shop-api', store: memoryStore(), actions: shop.actions },
    { name: 'docs-site', store: docs, actions: site.actions },
  ];
  return { shop, site, view: render(<FleetSwitcher fleets={fleets} size={{ columns: 120, rows: 30 }} />) };
}

describe('czar dashboard --all', () => {
  it('names the fleet shown and goes to the next and previous one with Tab and Shift-Tab', async () => {
    const { view } = twoFleets();
    await settle();
    expect(lines(view.lastFrame())[0]).toContain('fleet 1/2: shop-api');
    expect(view.lastFrame()).not.toContain('glossary');
    view.stdin.write('\t');
    await settle();
    expect(lines(view.lastFrame())[0]).toContain('fleet 2/2: docs-site');
    expect(view.lastFrame()).toContain('glossary');
    view.stdin.write('\u001B[Z');
    await settle();
    expect(lines(view.lastFrame())[0]).toContain('fleet 1/2: shop-api');
    view.stdin.write('\u001B[Z');
    await settle();
    expect(lines(view.lastFrame())[0]).toContain('fleet 2/2: docs-site');
  });

  it("acts on the fleet shown: a key's action goes to that fleet's czar only", async () => {
    const { shop, site, view } = twoFleets();
    await settle();
    view.stdin.write('\t');
    await settle();
    view.stdin.write('b');
    await settle();
    // It is working, so the dashboard asks first.
    expect(view.lastFrame()).toContain('glossary is working; give it the next bonus task anyway?');
    view.stdin.write('y');
    await settle();
    expect(site.calls).toEqual([['bonus', 'glossary']]);
    expect(shop.calls).toEqual([]);
  });
});
