import { runInteractive } from '../adapters/terminal.js';
import { commentParts } from '../domain/policy/person-comments.js';
import type { CzarRequestBody } from '../domain/model/czar-request.js';
import { CzarError } from '../domain/model/errors.js';
import { MAX_COMMENT_CHARS, MAX_COMMENT_FILE, MAX_COMMENT_LINE } from '../domain/model/limits.js';
import { logFile } from '../domain/model/paths.js';
import { placeOf } from '../fleet/place.js';
import type { Fleet } from '../fleet/handle.js';
import { askCzar } from '../fleet/requests.js';

/**
 * The actions a person takes, shared by the command line and the dashboard so both do exactly the same thing.
 * Everything that changes a worker goes through the running czar's request queue.
 */
export async function requestOrThrow(fleet: Fleet, body: Parameters<typeof askCzar>[1]): Promise<string> {
  const result = await askCzar(fleet.paths, body);
  if (!result.ok) throw new CzarError('request_refused', result.message);
  return result.message;
}

/** A comment as the person typed it (`[FILE:LINE] TEXT`), checked against the bounds the czar keeps to. */
export function commentRequest(worker: string, typed: string): Extract<CzarRequestBody, { kind: 'comment' }> {
  const { file, line, text } = commentParts(typed);
  const refuse = (why: string): CzarError => new CzarError('usage', `The comment for ${worker} ${why}.`);
  if (text === '') throw refuse('is empty; write its text after the worker name (and FILE:LINE)');
  if (text.length > MAX_COMMENT_CHARS)
    throw refuse(
      `is ${text.length} characters, over the ${MAX_COMMENT_CHARS} czar takes; send a longer note with "czar send --file"`,
    );
  if (file !== undefined && file.length > MAX_COMMENT_FILE)
    throw refuse(
      `names a path of ${file.length} characters, over ${MAX_COMMENT_FILE}; name the file from the repository root`,
    );
  if (line !== undefined && line > MAX_COMMENT_LINE)
    throw refuse(
      `names ${typed.trim().split(/\s/)[0] ?? ''}, a line out of range; give a line number from 1 to ${MAX_COMMENT_LINE}`,
    );
  return file === undefined ? { kind: 'comment', worker, text } : { kind: 'comment', worker, file, line, text };
}

/** Attaches to a session; inside a client of this same tmux server, switches that client instead of nesting. */
export async function attachTo(fleet: Fleet, session: string): Promise<number> {
  const spec = fleet.config.workers.find((worker) => worker.name === session);
  const inside = insideFleetServer(fleet);
  // The czar's own session is no worker's: it is on this machine's server.
  if (spec === undefined) return fleet.tmux.attach(session, { insideThisServer: inside });
  return placeOf(fleet, spec).attach(session, inside);
}

/** This process runs in a pane of the fleet's own tmux server (`$TMUX` names its socket). */
export function insideFleetServer(fleet: Fleet): boolean {
  return (process.env.TMUX ?? '').split(',')[0]?.endsWith(`/${fleet.config.tmuxSocket}`) ?? false;
}

/** Opens a worker's pane log in the pager (`$PAGER`, default `less -R`), handing it the terminal. */
export async function openLog(fleet: Fleet, worker: string): Promise<void> {
  const [pager = 'less', ...pagerArgs] = (process.env.PAGER ?? 'less -R +G').split(' ').filter((word) => word !== '');
  const exitCode = await runInteractive(pager, [...pagerArgs, logFile(fleet.paths, worker)]);
  if (exitCode === undefined) {
    throw new CzarError(
      'pager_missing',
      `The pager "${pager}" could not start; set PAGER to a pager that is installed (e.g. PAGER=more).`,
    );
  }
}
