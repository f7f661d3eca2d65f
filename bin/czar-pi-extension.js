// The pi extension czar loads into each pi worker with `-e` (pi 0.73 loads extensions without a build). It runs
// `czar report --hook <event> <payload JSON>` on session start and at the start and end of each prompt's run, with
// the session's id and file and, when the run ended on an error, the error: the command comes from CZAR_PI_REPORT (a
// JSON argv), run without a shell and never awaited, so a report cannot hold up the agent. Each carries the time its
// event happened, since a run's start report can land after a report the agent's own tool wrote during that run.
import { execFile } from 'node:child_process';

function reportCommand() {
  try {
    const argv = JSON.parse(process.env.CZAR_PI_REPORT ?? '[]');
    return Array.isArray(argv) && argv.length > 0 && argv.every((word) => typeof word === 'string') ? argv : undefined;
  } catch {
    return undefined;
  }
}

export default function czarReports(pi) {
  const command = reportCommand();
  if (command === undefined) return;
  const report = (event, ctx, extra) => {
    const payload = {
      event_at: Date.now(),
      session_id: ctx.sessionManager.getSessionId(),
      transcript_path: ctx.sessionManager.getSessionFile(),
      ...extra,
    };
    execFile(command[0], [...command.slice(1), event, JSON.stringify(payload)], () => {});
  };
  pi.on('session_start', (_event, ctx) => report('pi-session-start', ctx, {}));
  pi.on('agent_start', (_event, ctx) => report('pi-agent-start', ctx, {}));
  pi.on('agent_end', (event, ctx) => {
    const last = [...(event.messages ?? [])].reverse().find((message) => message.role === 'assistant');
    const failed = last?.stopReason === 'error';
    report('pi-agent-end', ctx, {
      stop_reason: last?.stopReason ?? 'none',
      ...(failed ? { error_message: String(last.errorMessage ?? 'unknown error') } : {}),
    });
  });
}
