import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
import { proofFile, type StatePaths } from '../domain/model/paths.js';
import { listFolder } from './file-system.js';
import { readText, writeAtomic } from './state-files.js';

/**
 * A worker's proof: a random secret made for each start of its agent and given to that process only, through its
 * environment, so `czar report` can tell the worker's own agent from another worker naming it (by mistake or by a
 * prompt injection). czar keeps only a public key it seeds, so reading the state dir does not give it; a hostile process of the
 * same user that reads another process's environment is not kept out by this.
 */
export { PROOF_VARIABLE } from '../domain/model/agent-env.js';

export function newProof(): string {
  return randomBytes(32).toString('hex');
}

/**
 * What czar keeps of a proof: the public half of an Ed25519 key the proof seeds. It checks a proof (the key it
 * makes) and a request the proof signed, and gives neither to whoever reads it.
 */
export function proofDigest(worker: string, proof: string): string {
  return createPublicKey(signingKey(worker, proof)).export({ format: 'der', type: 'spki' }).toString('hex');
}

/** PKCS#8 DER of an Ed25519 private key, less its 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function signingKey(worker: string, proof: string): KeyObject {
  const seed = createHash('sha256').update(`czar worker proof\0${worker}\0${proof}`).digest();
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/**
 * Signs a request to the czar with the worker's proof: the request file then carries the signature, never the proof,
 * so another worker reading it learns nothing it can speak for this worker with.
 */
export function signWithProof(worker: string, proof: string, message: string): string {
  return sign(null, Buffer.from(message), signingKey(worker, proof)).toString('hex');
}

/** Whether `signature` over `message` was made with the proof of the worker's running agent. */
export async function signedByWorker(
  paths: StatePaths,
  worker: string,
  message: string,
  signature: string | undefined,
): Promise<boolean> {
  if (signature === undefined || !/^[0-9a-f]{128}$/.test(signature)) return false;
  const current = ((await readText(proofFile(paths, worker)).catch(() => undefined)) ?? '').split('\n')[0]?.trim();
  if (current === undefined || !/^[0-9a-f]+$/.test(current)) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(current, 'hex'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(message), key, Buffer.from(signature, 'hex'));
  } catch {
    return false;
  }
}

/**
 * Keeps the digest of the proof a worker's agent is started with, and the one before it: the agent it replaced may
 * still fire a hook as it exits, which is stale, not another worker.
 */
export async function saveProofDigest(paths: StatePaths, worker: string, digest: string): Promise<void> {
  const current = (await readText(proofFile(paths, worker)).catch(() => undefined))?.split('\n')[0]?.trim();
  await writeAtomic(
    proofFile(paths, worker),
    `${digest}\n${current === undefined || current === '' ? '' : `${current}\n`}`,
  );
}

/** Whether `proof` is the one the worker's running agent was given, the one of the agent before it, or neither. */
export async function proofOf(
  paths: StatePaths,
  worker: string,
  proof: string | undefined,
): Promise<'current' | 'previous' | 'none'> {
  if (proof === undefined || proof === '') return 'none';
  const [current, previous] = ((await readText(proofFile(paths, worker)).catch(() => undefined)) ?? '')
    .split('\n')
    .map((line) => line.trim());
  const given = proofDigest(worker, proof);
  if (sameDigest(current, given)) return 'current';
  return sameDigest(previous, given) ? 'previous' : 'none';
}

/** The worker whose running agent holds `proof`, if any: who really runs a command that claims another's name. */
export async function proofHolder(paths: StatePaths, proof: string | undefined): Promise<string | undefined> {
  if (proof === undefined || proof === '') return undefined;
  const workers = (await listFolder(paths.workers).catch(() => [] as string[]))
    .filter((file) => file.endsWith('.proof'))
    .map((file) => file.slice(0, -'.proof'.length));
  for (const worker of workers) if ((await proofOf(paths, worker, proof)) === 'current') return worker;
  return undefined;
}

function sameDigest(saved: string | undefined, given: string): boolean {
  return (
    saved !== undefined && saved.length === given.length && timingSafeEqual(Buffer.from(saved), Buffer.from(given))
  );
}
