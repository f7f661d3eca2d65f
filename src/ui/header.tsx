/** The top two lines: what this fleet is, whether the czar is alive, and how many workers are in each state. */
import { Text } from 'ink';
import { WORKER_STATES } from '../domain/model/words.js';
import type { FleetStatus } from '../domain/status/status-schema.js';
import { Since } from './clock.js';
import { fleetCostText, stateBadge } from './format.js';
import { hostsSummary } from './host-format.js';

export interface HeaderProps {
  readonly status: FleetStatus;
  readonly now: number;
  readonly width: number;
}

/** The integration branch's pull request, when czar opened one: its state in a word. */
function integrationPr(status: FleetStatus): string {
  const pr = status.integration?.pullRequests.find((candidate) => candidate.branch === status.integration?.branch);
  return pr === undefined ? '' : ` · PR ${pr.state.toLowerCase()}`;
}

export function Header({ status, now, width }: HeaderProps) {
  const counts = WORKER_STATES.map((state) => ({
    state,
    count: status.workers.filter((worker) => worker.state === state).length,
  })).filter(({ count }) => count > 0);
  const cost = fleetCostText(status.usage);
  const hosts = status.hosts === undefined || status.hosts.length === 0 ? undefined : hostsSummary(status.hosts, now);
  return (
    <>
      <Text wrap="truncate-end">
        <Text bold>czar</Text>
        <Text> {status.project}</Text>
        <Text dimColor> · base </Text>
        <Text>{status.base}</Text>
        <Text dimColor> · up </Text>
        <Since at={status.startedAt} base={now} />
        <Text dimColor> · supervisor </Text>
        {status.supervisor === undefined ? (
          <Text color="red" bold>
            ✗ down
          </Text>
        ) : (
          <Text color="green">● alive</Text>
        )}
        <Text dimColor> · autonomy </Text>
        {status.paused ? (
          <Text color="yellow" bold>
            ■ paused
          </Text>
        ) : (
          <Text color="green">on</Text>
        )}
        {status.sprintOver ? <Text color="cyan"> · sprint over</Text> : null}
        {status.integration === undefined ? null : <Text dimColor> · integrated </Text>}
        {status.integration === undefined ? null : (
          <Text>{`${status.integration.holds.length}/${status.workers.length}${integrationPr(status)}`}</Text>
        )}
        {cost === undefined ? null : <Text> · {cost}</Text>}
      </Text>
      <Text wrap="truncate-end">
        {/* First on the line: a host out of sight matters more than the counts a narrow terminal cuts off. */}
        {hosts === undefined ? null : (
          <Text>
            <Text dimColor>{hosts.count}</Text>
            {hosts.others.map((host) => (
              <Text key={host.name}>
                <Text dimColor> · </Text>
                {host.name} <Text color={host.badge.color}>{host.text}</Text>
              </Text>
            ))}
            <Text dimColor> · </Text>
          </Text>
        )}
        <Text dimColor>queue </Text>
        <Text>{status.queue.length}</Text>
        <Text dimColor> · </Text>
        {counts.length === 0 ? <Text dimColor>no workers</Text> : null}
        {counts.map(({ state, count }, index) => {
          const badge = stateBadge(state);
          return (
            <Text key={state}>
              {index > 0 ? '  ' : ''}
              <Text color={badge.color}>{badge.symbol}</Text> {count}
              {/* Narrow terminals keep only the symbols; the table below spells each one out. */}
              {width < 100 ? '' : ` ${badge.label}`}
            </Text>
          );
        })}
      </Text>
    </>
  );
}
