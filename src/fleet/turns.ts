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
    const chain = before.then(() => mine);
    this.last.set(key, chain);
    // A key nobody waits on any more is forgotten, so a fleet's many short-lived keys do not pile up.
    void chain.then(() => {
      if (this.last.get(key) === chain) this.last.delete(key);
    });
    await before;
    return giveBack;
  }
}
