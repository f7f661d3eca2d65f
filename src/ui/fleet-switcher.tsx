/**
 * `czar dashboard --all`: one dashboard at a time over several fleets, with a line above it naming the fleet shown
 * and how to go to the next or previous one. Each fleet keeps its own store and actions; switching remounts the
 * dashboard, so a selection or a half-typed message never carries over to another fleet's worker.
 */
import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { visible } from '../domain/sanitize.js';
import { Dashboard, useTerminalSize, type DashboardProps } from './app.js';
import { truncate } from './format.js';
import type { DashboardActions, DashboardStore } from './ports.js';

export interface SwitchableFleet {
  /** The project's name as the registry has it. */
  readonly name: string;
  readonly store: DashboardStore;
  readonly actions: DashboardActions;
}

export interface FleetSwitcherProps extends Omit<DashboardProps, 'store' | 'actions' | 'initial' | 'onYield'> {
  readonly fleets: readonly SwitchableFleet[];
}

export const SWITCH_HINT = 'Tab next fleet · Shift-Tab previous';

export function FleetSwitcher({ fleets, size, ...rest }: FleetSwitcherProps) {
  const [shown, setShown] = useState(0);
  const { columns, rows } = useTerminalSize(size);
  // Tab, not a printable key: a message being typed into a prompt never switches the fleet under it.
  useInput((_input, key) => {
    if (!key.tab || fleets.length < 2) return;
    setShown((index) => (index + (key.shift ? fleets.length - 1 : 1)) % fleets.length);
  });
  const fleet = fleets[shown];
  if (fleet === undefined) return <Text>No fleet is running; start one with &quot;czar up&quot;.</Text>;
  const title = `fleet ${shown + 1}/${fleets.length}: ${visible(fleet.name)}`;
  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          {truncate(title, columns)}
        </Text>
        <Text dimColor>{truncate(`  ${SWITCH_HINT}`, Math.max(0, columns - title.length))}</Text>
      </Text>
      <Dashboard
        key={shown}
        store={fleet.store}
        actions={fleet.actions}
        size={{ columns, rows: Math.max(1, rows - 1) }}
        {...rest}
      />
    </Box>
  );
}
