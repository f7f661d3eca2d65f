import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESET_DEFAULTS } from '../../src/agents/defaults.js';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { initTemplate } from '../../src/config/template.js';
import { checkConfigText } from '../../src/config/validate.js';

describe('shipped config files', () => {
  it('config/czar.schema.json is the generated schema', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../config/czar.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed, 'config/czar.schema.json is out of date; run "npm run schemas" and commit it').toEqual(
      configJsonSchema(),
    );
  });

  it('the schema names its title and describes the main keys', () => {
    const schema = configJsonSchema() as { title: string; properties: Record<string, { description?: string }> };
    expect(schema.title).toBe('czar.yaml');
    for (const key of ['project', 'workers', 'policy', 'bonus', 'agents'])
      expect(schema.properties[key]?.description).toBeTruthy();
  });

  it('lets editors accept top-level x- keys, which hold YAML anchors', () => {
    const schema = configJsonSchema() as { patternProperties?: Record<string, unknown> };
    expect(Object.keys(schema.patternProperties ?? {})).toEqual(['^x-']);
  });

  it.each(['czar.example.yaml', 'czar.minimal.yaml'])('config/%s is valid', (name) => {
    const checked = checkConfigText(readFileSync(new URL(`../../config/${name}`, import.meta.url), 'utf8'), name);
    expect(checked.ok ? [] : checked.problems).toEqual([]);
  });

  it('the init template is valid and names the project', () => {
    const template = initTemplate('my-app');
    const checked = checkConfigText(template, 'czar.yaml');
    expect(checked.ok ? [] : checked.problems).toEqual([]);
    expect(checked.ok && checked.written.project).toBe('my-app');
    // Every top-level key appears, commented out or not.
    for (const key of Object.keys((configJsonSchema() as { properties: object }).properties))
      expect(template).toMatch(new RegExp(`^#? ?${key}:`, 'm'));
  });

  it('the sim preset runs the packaged simulated agent under this node', () => {
    expect(PRESET_DEFAULTS.sim.command).toBe(process.execPath);
    expect(existsSync(PRESET_DEFAULTS.sim.args[0] ?? '')).toBe(true);
    expect(PRESET_DEFAULTS.shell).toEqual({ command: 'bash', args: [], env: {} });
  });
});
