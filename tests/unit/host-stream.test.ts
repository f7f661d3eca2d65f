import { describe, expect, it } from 'vitest';
import {
  MAX_STREAM_LINE,
  offsetArgs,
  parseOffset,
  parseStreamLine,
  reconnectDelayMs,
} from '../../src/domain/model/host-stream.js';

describe('host stream lines', () => {
  it('accepts the records czar watch prints', () => {
    expect(parseStreamLine('{"kind":"hello","version":"0.1.0"}')).toEqual({
      ok: true,
      value: { kind: 'hello', version: '0.1.0' },
    });
    expect(parseStreamLine('{"kind":"output","worker":"a1","offset":12,"data":"aGk="}')).toMatchObject({ ok: true });
    expect(parseStreamLine(`{"kind":"tip","worker":"a1","sha":"${'a'.repeat(40)}"}`)).toMatchObject({ ok: true });
    const usage = {
      kind: 'usage',
      worker: 'a1',
      models: [{ model: 'claude-sonnet-4-5', input: 1200, output: 300, cacheWrite: 0, cacheRead: 7 }],
      files: 1,
      skippedLines: 0,
      lastAt: 1_700_000_000_000,
    };
    expect(parseStreamLine(JSON.stringify(usage))).toEqual({ ok: true, value: usage });
  });

  it('drops usage a host could use to bend the totals: negative or fractional tokens, endless model lists', () => {
    const usage = (models: unknown[]) =>
      JSON.stringify({ kind: 'usage', worker: 'a1', models, files: 1, skippedLines: 0 });
    const model = (tokens: number) => ({ model: 'm', input: tokens, output: 0, cacheWrite: 0, cacheRead: 0 });
    expect(parseStreamLine(usage([model(-5)])).ok).toBe(false);
    expect(parseStreamLine(usage([model(1.5)])).ok).toBe(false);
    expect(parseStreamLine(usage(Array.from({ length: 51 }, () => model(1)))).ok).toBe(false);
    expect(parseStreamLine(usage([{ ...model(1), model: 'x'.repeat(101) }])).ok).toBe(false);
  });

  it('drops what a host must not send: other shapes, worker names that are paths, huge lines, bad base64', () => {
    expect(parseStreamLine('not json')).toEqual({ ok: false, reason: 'a line that is not JSON' });
    expect(parseStreamLine('{"kind":"report","worker":"../../etc/passwd","text":"x"}').ok).toBe(false);
    expect(parseStreamLine('{"kind":"report","worker":"a1","text":"x","extra":1}').ok).toBe(false);
    expect(parseStreamLine('{"kind":"output","worker":"a1","offset":-1,"data":""}').ok).toBe(false);
    expect(parseStreamLine('{"kind":"output","worker":"a1","offset":0,"data":"not base64!"}').ok).toBe(false);
    expect(parseStreamLine('{"kind":"tip","worker":"a1","sha":"HEAD; rm -rf"}').ok).toBe(false);
    expect(parseStreamLine(`{"kind":"report","worker":"a1","text":"${'x'.repeat(MAX_STREAM_LINE)}"}`)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('more than'),
    });
  });

  it('round-trips resume offsets and backs off up to 15 s', () => {
    expect(
      offsetArgs(
        new Map([
          ['a1', 120],
          ['b2', 0],
        ]),
      ),
    ).toEqual(['--offset', 'a1=120', '--offset', 'b2=0']);
    expect(parseOffset('a1=120')).toEqual(['a1', 120]);
    expect(parseOffset('a1=-3')).toBeUndefined();
    expect([1, 2, 3, 10].map(reconnectDelayMs)).toEqual([500, 1000, 2000, 15_000]);
  });
});
