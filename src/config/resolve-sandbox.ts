import path from 'node:path';
import { SANDBOX_OFF, type SandboxSpec } from '../domain/model/box.js';
import type { WrittenSandbox } from './schema-sandbox.js';

/** A written `sandbox:` (a mode or the long form) resolved: writable folders absolute, relative to czar.yaml. */
export function resolveSandbox(written: WrittenSandbox | undefined, configDir: string): SandboxSpec {
  if (written === undefined) return SANDBOX_OFF;
  if (typeof written === 'string') return { ...SANDBOX_OFF, mode: written };
  return {
    mode: written.mode,
    allowHosts: written.allow_hosts ?? [],
    writable: (written.writable ?? []).map((folder) => path.resolve(configDir, folder)),
    prompts: written.prompts ?? 'skip',
  };
}
