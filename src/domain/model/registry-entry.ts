import * as z from 'zod';

/** One running czar as it registers itself in the per-user registry, so `czar web` and `czar ls` find every fleet. */
export const RegistryEntrySchema = z.strictObject({
  pid: z.number().int().positive(),
  /** The kernel's start time of that pid (clock ticks since boot): a reused pid has another. */
  processStart: z.string(),
  project: z.string(),
  repo: z.string(),
  stateDir: z.string(),
  status: z.string(),
  /** The fleet's private tmux server, where the web page reads a worker's screen. */
  socket: z.string(),
  startedAt: z.string(),
});
export type RegistryEntry = z.infer<typeof RegistryEntrySchema>;

/** An entry as read back: `running` is false for a czar that crashed (its pid gone, or now another process's). */
export interface RegisteredFleet extends RegistryEntry {
  readonly id: string;
  readonly running: boolean;
}
