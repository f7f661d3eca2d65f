/**
 * `@sim spawn <name> <task>`: what an agent does to hand part of its task to a sub-worker, `czar spawn` from its own
 * pane (czar's bin folder is first on its PATH). Returns the line a terminal would show: czar's answer or refusal.
 */
export async function spawnChild(cwd: string, child: string, task: string): Promise<string> {
  // Loaded when first used, as the commit's git is: execa costs startup a fleet of sims should not pay.
  const { run } = await import('../adapters/process.js');
  const result = await run('czar', ['spawn', child, '--task', task], { cwd, allowFailure: true, timeoutMs: 120_000 });
  const said = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  return result.exitCode === 0 ? said : `Refused (exit ${result.exitCode}): ${said}`;
}
