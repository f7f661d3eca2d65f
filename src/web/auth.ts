import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header an acting request carries its token in: a cookie or a URL alone never authorises an action. */
export const TOKEN_HEADER = 'x-czar-token';

/** Compares in constant time, so the token cannot be guessed a character at a time from response times. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a reading request carries: `?token=` (the page and its event stream) or the header. */
export function readToken(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers[TOKEN_HEADER];
  return url.searchParams.get('token') ?? (typeof header === 'string' ? header : undefined);
}

/**
 * Why an acting request is refused (401 without the token in its header, 403 from another origin), or undefined.
 * A page on another site in the same browser can send a request to this server but cannot read the token, and the
 * browser names that site in Origin.
 */
export function actingRefusal(
  request: IncomingMessage,
  token: string,
  origins: ReadonlySet<string>,
): { code: 401 | 403; message: string } | undefined {
  const header = request.headers[TOKEN_HEADER];
  if (!tokenMatches(token, typeof header === 'string' ? header : undefined))
    return {
      code: 401,
      message: `An action needs the token in the ${TOKEN_HEADER} header; open the page from the URL czar web printed.`,
    };
  const origin = request.headers.origin;
  if (origin === undefined || !origins.has(origin))
    return {
      code: 403,
      message: `An action must come from czar web's own page, and this one came from origin ${JSON.stringify(origin ?? '(none)')}.`,
    };
  return undefined;
}
