/**
 * Turns by key: `take(key)` waits until every earlier taker of the same key has given its turn back, then resolves
 * with the function that gives this one back (calling it again does nothing). Different keys never wait on each
 * other.
 */
export class Turns {
  private readonly last = new Map<string, Promise<void>>();

  async take(key: string): Promise<() => void> {
    const before = this.last.get(key) ?? Promise.resolve();
    let giveBack: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (giveBack = resolve));
    this.last.set(
      key,
      before.then(() => mine),
    );
    await before;
    return giveBack;
  }
}
