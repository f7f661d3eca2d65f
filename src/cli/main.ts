import { czarVersion as version } from '../adapters/package-files.js';
import { workerRefusal, type Command } from './command.js';
import { err, out, printError } from './output.js';

/**
 * Commands load on demand: `czar report` runs from agent hooks on every turn and should not pay for ink, the
 * config parser or the supervisor.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  init: async () => (await import('./commands/init.js')).initCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
  up: async () => (await import('./commands/up.js')).upCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  stats: async () => (await import('./commands/stats.js')).statsCommand,
  forget: async () => (await import('./commands/forget.js')).forgetCommand,
  lessons: async () => (await import('./commands/lessons.js')).lessonsCommand,
  dashboard: async () => (await import('./commands/dashboard.js')).dashboardCommand,
  attach: async () => (await import('./commands/attach.js')).attachCommand,
  send: async () => (await import('./commands/fleet-requests.js')).sendCommand,
  comment: async () => (await import('./commands/comment.js')).commentCommand,
  review: async () => (await import('./commands/fleet-requests.js')).reviewCommand,
  bonus: async () => (await import('./commands/fleet-requests.js')).bonusCommand,
  restart: async () => (await import('./commands/fleet-requests.js')).restartCommand,
  pause: async () => (await import('./commands/fleet-requests.js')).pauseCommand,
  resume: async () => (await import('./commands/fleet-requests.js')).resumeCommand,
  budget: async () => (await import('./commands/budget.js')).budgetCommand,
  log: async () => (await import('./commands/log.js')).logCommand,
  integrate: async () => (await import('./commands/integrate.js')).integrateCommand,
  handoff: async () => (await import('./commands/handoff.js')).handoffCommand,
  peers: async () => (await import('./commands/peers.js')).peersCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  spawn: async () => (await import('./commands/spawn.js')).spawnCommand,
  down: async () => (await import('./commands/down.js')).downCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  supervise: async () => (await import('./commands/supervise.js')).superviseCommand,
  schemas: async () => (await import('./commands/schemas.js')).schemasCommand,
  watch: async () => (await import('./commands/watch.js')).watchCommand,
  'host-prepare': async () => (await import('./commands/host-prepare.js')).hostPrepareCommand,
  'box-engine': async () => (await import('./commands/box-engine.js')).boxEngineCommand,
  'box-door': async () => (await import('./commands/box.js')).boxDoorCommand,
  web: async () => (await import('./commands/web.js')).webCommand,
  ls: async () => (await import('./commands/ls.js')).lsCommand,
};

/** Runs one czar command line and returns the exit status; the only place errors are turned into output. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined) return helpOn(rest[0]);
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    out(await helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    out(version());
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) return unknownCommand(name);
  const command = await load();
  // After `--` every word is the command's own (`czar comment w -- --help` sends "--help").
  const end = rest.indexOf('--');
  const flags = end === -1 ? rest : rest.slice(0, end);
  if (flags.includes('--help') || flags.includes('-h')) {
    out(usageOf(command));
    return 0;
  }
  try {
    const refusal = workerRefusal(command, process.env);
    if (refusal !== undefined) throw refusal;
    return await command.run(rest);
  } catch (error) {
    return printError(error);
  }
}

/** `czar help <command>`: that command's usage, or the unknown command said as any other. */
async function helpOn(name: string): Promise<number> {
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) return unknownCommand(name);
  out(usageOf(await load()));
  return 0;
}

function usageOf(command: Command): string {
  return `usage: ${command.usage}\n\n${command.summary}`;
}

function unknownCommand(name: string): number {
  const close = Object.keys(COMMANDS).find((candidate) => candidate.startsWith(name.slice(0, 2)));
  err(
    `czar: "${name}" is not a czar command${close === undefined ? '' : `; did you mean "${close}"?`}. Run "czar help" for the list.`,
  );
  return 2;
}

async function helpText(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands
    .filter((command) => command.name !== 'supervise')
    .map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    `czar ${version()}: run a fleet of AI coding agents in tmux and supervise them`,
    '',
    'usage: czar <command> [options]',
    '',
    ...lines,
    '',
    'Each command takes --help.',
  ].join('\n');
}
