import { describe, expect, it } from 'vitest';
import { budgetCommand } from '../../src/cli/commands/budget.js';
import { budgetUsd } from '../../src/domain/model/czar-request.js';

describe('czar budget', () => {
  it('reads a dollar amount as a person types it', () => {
    expect(budgetUsd('5')).toBe(5);
    expect(budgetUsd('$12.50')).toBe(12.5);
    expect(budgetUsd(' 0.25 ')).toBe(0.25);
  });

  it('refuses what is not a limit a budget may have', () => {
    for (const typed of ['0', '-1', '1e3', 'ten', '1.234', '', '2000000', '$'])
      expect(budgetUsd(typed), typed).toBeUndefined();
  });

  it('says what is missing before it looks for a fleet', async () => {
    await expect(budgetCommand.run(['--usd', '5'])).rejects.toThrow(
      'name one worker or --fleet; usage: czar budget <worker>|--fleet --usd N [-c czar.yaml].',
    );
    await expect(budgetCommand.run(['a', '--fleet', '--usd', '5'])).rejects.toThrow('name one worker or --fleet');
    await expect(budgetCommand.run(['a'])).rejects.toThrow('give the new limit in dollars with --usd');
    await expect(budgetCommand.run(['a', '--usd', 'lots'])).rejects.toThrow(
      '--usd "lots" is not a dollar amount; give a dollar amount above 0 and up to 1000000, e.g. --usd 20',
    );
  });
});
