// The OpenCode plugin czar loads into each OpenCode worker (named as a file in OPENCODE_CONFIG_CONTENT's `plugin`
// list, so nothing is installed for it). OpenCode has no shell hooks, and keeps its records in SQLite, which Node 20
// cannot read without a dependency: so this plugin does both jobs.
// - It runs `czar report --hook <event> <payload JSON>` when a turn starts, retries, waits for a permission, and ends
//   (with the error it ended on): the command comes from CZAR_OPENCODE_REPORT (a JSON argv), run without a shell and
//   never awaited, so a report cannot hold up the agent. Each carries the time its event happened, since a turn's
//   start report can land after a report the agent's own tool wrote during that turn.
// - It appends JSON lines to `~/.local/share/czar/opencode/<cwd, each non-alphanumeric a ->/<session id>.jsonl`: the
//   session and the folder it runs in, each prompt the session received, and each answer's token counts. czar reads
//   them for usage, for the delivery check and to resume the session after a restart.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Longest prompt kept: czar compares no more of a task than this. */
const MAX_PROMPT_CHARS = 256 * 1024;
/** Longest error text or command passed on: a note is one short line. */
const MAX_TEXT_CHARS = 2000;
const SESSION_ID = /^[\w-]{1,128}$/;

function reportCommand() {
  try {
    const argv = JSON.parse(process.env.CZAR_OPENCODE_REPORT ?? '[]');
    return Array.isArray(argv) && argv.length > 0 && argv.every((word) => typeof word === 'string') ? argv : undefined;
  } catch {
    return undefined;
  }
}

const text = (value, max = MAX_TEXT_CHARS) => (typeof value === 'string' ? value.slice(0, max) : undefined);

/** The error a turn ended on, as czar's signal table reads it: its HTTP status first, then OpenCode's words. */
function errorFields(error) {
  const data = typeof error?.data === 'object' && error.data !== null ? error.data : {};
  const status = Number.isInteger(data.statusCode) ? data.statusCode : undefined;
  const message = text(data.message) ?? text(error?.name) ?? 'unknown error';
  return {
    error_name: text(error?.name, 100) ?? 'UnknownError',
    error_message: status === undefined ? message : `${status} ${message}`,
    ...(status === undefined ? {} : { error_status: status }),
    ...(typeof data.responseBody === 'string' ? { error_body: data.responseBody.slice(0, 500) } : {}),
  };
}

/** The command a permission is asked for: the whole of it, else the patterns OpenCode split it into. */
function commandOf(props) {
  const whole = text(props.metadata?.command);
  if (whole !== undefined) return { command: whole };
  const patterns = Array.isArray(props.patterns) ? props.patterns.filter((item) => typeof item === 'string') : [];
  return patterns.length === 0 ? {} : { command: text(patterns.join('; ')) };
}

export const CzarPlugin = async ({ directory }) => {
  const command = reportCommand();
  const home = process.env.HOME;
  const folder =
    typeof home === 'string' && home !== '' && typeof directory === 'string'
      ? path.join(home, '.local', 'share', 'czar', 'opencode', directory.replace(/[^A-Za-z0-9]/g, '-'))
      : undefined;
  /** A subagent's session -> the session it works for: its events are not the worker's turns, its usage is. */
  const parents = new Map();
  const busy = new Set();
  const errors = new Map();
  const counted = new Set();
  const rootOf = (id) => parents.get(id) ?? id;
  const fileOf = (id) => (folder === undefined || !SESSION_ID.test(id) ? undefined : path.join(folder, `${id}.jsonl`));

  const record = (session, line) => {
    const file = fileOf(session);
    if (file === undefined) return;
    try {
      if (!existsSync(file)) {
        mkdirSync(folder, { recursive: true, mode: 0o700 });
        const head = { type: 'session', id: session, cwd: directory, timestamp: new Date().toISOString() };
        appendFileSync(file, `${JSON.stringify(head)}\n`, { mode: 0o600 });
      }
      if (line !== undefined) appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // A record that cannot be written costs czar a usage line, never the agent its turn.
    }
  };

  const report = (event, session, extra = {}) => {
    if (command === undefined) return;
    const file = fileOf(session);
    const payload = {
      event_at: Date.now(),
      session_id: session,
      ...(file === undefined ? {} : { transcript_path: file }),
      ...extra,
    };
    try {
      execFile(command[0], [...command.slice(1), event, JSON.stringify(payload)], () => {});
    } catch {
      // czar is gone or cannot start: the agent goes on, and czar reads its screen.
    }
  };

  const onEvent = (event) => {
    const props = typeof event?.properties === 'object' && event.properties !== null ? event.properties : {};
    const session = typeof props.sessionID === 'string' ? props.sessionID : undefined;
    switch (event?.type) {
      case 'session.created': {
        const info = props.info ?? {};
        if (typeof info.id !== 'string') return;
        if (typeof info.parentID === 'string') parents.set(info.id, rootOf(info.parentID));
        else record(info.id);
        return;
      }
      case 'session.status': {
        if (session === undefined || parents.has(session)) return;
        const status = props.status ?? {};
        if (status.type === 'busy' && !busy.has(session)) {
          busy.add(session);
          errors.delete(session);
          report('opencode-busy', session);
        } else if (status.type === 'retry') {
          report('opencode-retry', session, {
            error_message: text(status.message) ?? 'retrying',
            ...(Number.isInteger(status.attempt) ? { attempt: status.attempt } : {}),
          });
        } else if (status.type === 'idle' && busy.delete(session)) {
          // OpenCode says idle twice after an error (measured): only the first ends the turn.
          const error = errors.get(session);
          errors.delete(session);
          const reason = error === undefined ? 'stop' : error.name === 'MessageAbortedError' ? 'aborted' : 'error';
          report('opencode-idle', session, { stop_reason: reason, ...(reason === 'error' ? errorFields(error) : {}) });
        }
        return;
      }
      case 'session.error':
        // Fires before the idle status of the turn it ended.
        if (session !== undefined && !parents.has(session)) errors.set(session, props.error ?? {});
        return;
      case 'permission.asked':
        if (session === undefined) return;
        report('opencode-permission', rootOf(session), {
          permission: text(props.permission, 100) ?? 'unknown',
          ...commandOf(props),
        });
        return;
      case 'permission.replied':
        if (session !== undefined) report('opencode-permission-replied', rootOf(session));
        return;
      case 'message.updated': {
        const info = props.info ?? {};
        if (info.role !== 'assistant' || typeof info.id !== 'string' || typeof info.sessionID !== 'string') return;
        if (typeof info.time?.completed !== 'number' || counted.has(info.id)) return;
        counted.add(info.id);
        record(rootOf(info.sessionID), {
          type: 'usage',
          id: info.id,
          model: text(info.modelID, 200),
          tokens: info.tokens ?? {},
          timestamp: new Date(info.time.completed).toISOString(),
        });
        return;
      }
      default:
        return;
    }
  };

  return {
    event: async ({ event }) => {
      try {
        onEvent(event);
      } catch {
        // A plugin that throws would break the agent's turn; czar then reads its screen.
      }
    },
    'chat.message': async (input, output) => {
      try {
        const session = input?.sessionID;
        if (typeof session !== 'string' || parents.has(session)) return;
        const parts = Array.isArray(output?.parts) ? output.parts : [];
        const typed = parts.filter(
          (part) => part?.type === 'text' && part.synthetic !== true && typeof part.text === 'string',
        );
        if (typed.length === 0) return;
        record(session, {
          type: 'prompt',
          id: text(output?.message?.id, 200),
          text: typed
            .map((part) => part.text)
            .join('\n')
            .slice(0, MAX_PROMPT_CHARS),
          timestamp: new Date().toISOString(),
        });
      } catch {
        // As above: the agent's turn goes on.
      }
    },
  };
};
