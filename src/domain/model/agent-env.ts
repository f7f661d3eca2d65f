/** The secret that proves a report comes from the worker's own agent (see adapters/worker-proof.ts). */
export const PROOF_VARIABLE = 'CZAR_WORKER_PROOF';

/** Variables czar sets in every agent's environment (`czar report` and the hooks rely on them): a config may not. */
export const CZAR_ENV_KEYS = ['CZAR_PROJECT', 'CZAR_WORKER', 'CZAR_STATE_DIR', 'CZAR_CONFIG', PROOF_VARIABLE] as const;

/** What czar does to an agent's environment, as the plan says it. */
export const CZAR_ENV_NOTE = `czar sets ${CZAR_ENV_KEYS.slice(0, -1).join(', ')} and ${CZAR_ENV_KEYS.at(-1) ?? ''} for each agent, and puts its own bin folder first on PATH`;

/**
 * An agent's PATH: czar's bin folder first (for `czar report` and hooks), then the PATH the config gives the
 * worker or its agent, else the one czar runs with.
 */
export function agentPath(
  binDir: string,
  given: { readonly worker: Readonly<Record<string, string>>; readonly agent: Readonly<Record<string, string>> },
  inherited: string | undefined,
): string {
  return `${binDir}:${given.worker.PATH ?? given.agent.PATH ?? inherited ?? ''}`;
}
