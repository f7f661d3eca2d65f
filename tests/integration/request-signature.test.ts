import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  proofDigest,
  proofOf,
  saveProofDigest,
  signedByWorker,
  signWithProof,
} from '../../src/adapters/worker-proof.js';
import { signedText, type CzarRequest } from '../../src/domain/model/czar-request.js';
import { statePaths } from '../../src/domain/model/paths.js';
import { tempDir } from '../helpers/git-repo.js';

const PROOF = 'a'.repeat(64);

describe("a worker's request to the czar", () => {
  it('carries a signature made with the proof, never the proof, and only the running agent signs for its worker', async () => {
    const paths = statePaths(await tempDir('czar-signature-'));
    await mkdir(paths.workers, { recursive: true });
    await saveProofDigest(paths, 'p', proofDigest('p', PROOF));
    const request: CzarRequest = {
      id: '1-x',
      kind: 'spawn',
      worker: 'p',
      signature: '',
      child: 'kid',
      task: '# Kid',
      scope: [],
    };
    const signed = { ...request, signature: signWithProof('p', PROOF, signedText(request)) };

    // What a request file holds: nothing that speaks for p elsewhere (its proof is not in it).
    expect(JSON.stringify(signed)).not.toContain(PROOF);
    expect(await signedByWorker(paths, 'p', signedText(signed), signed.signature)).toBe(true);
    // The proof still proves p's own reports.
    expect(await proofOf(paths, 'p', PROOF)).toBe('current');

    // Another request, or the same one changed, is not signed by it; nor is one signed with another proof.
    const changed = { ...signed, child: 'other' };
    expect(await signedByWorker(paths, 'p', signedText(changed), changed.signature)).toBe(false);
    const other = signWithProof('p', 'b'.repeat(64), signedText(request));
    expect(await signedByWorker(paths, 'p', signedText(request), other)).toBe(false);
    expect(await signedByWorker(paths, 'p', signedText(request), PROOF)).toBe(false);
  });
});
