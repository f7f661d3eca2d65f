import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_ROOT } from './package-files.js';

/** The page's files, shipped as they are in the package's `web/` folder: no build step, no network at run time. */
const WEB_DIR = path.join(PACKAGE_ROOT, 'web');
/** The page's scripts in the order they run as one: the DOM helpers first, the page that uses them last. */
const SCRIPTS = ['dom.js', 'worker-parts.js', 'agent-parts.js', 'page.js'];

/**
 * The page as one document, its style and script inlined under a nonce: a single request that needs the token, and
 * a Content-Security-Policy that runs no script but this one.
 */
export async function loadPage(): Promise<(nonce: string) => string> {
  const read = (name: string) => readFile(path.join(WEB_DIR, name), 'utf8');
  const [html, css, ...scripts] = await Promise.all(['index.html', 'page.css', ...SCRIPTS].map(read));
  const js = scripts.join('\n');
  return (nonce) =>
    (html ?? '')
      .replaceAll('{{nonce}}', nonce)
      .replace('/*STYLE*/', () => css ?? '')
      .replace('/*SCRIPT*/', () => js);
}
