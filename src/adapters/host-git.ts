import { git } from './git.js';

/** The URL a remote of the local repo points at (what a host clones), or undefined when there is no such remote. */
export async function remoteUrl(repo: string, remote: string): Promise<string | undefined> {
  const result = await git(repo, ['remote', 'get-url', '--', remote], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}
