/**
 * Mutual exclusion by key within this process: holders of overlapping key sets run one after another, in
 * the order they asked. A holder takes all its keys at once, so two holders can never wait on each other.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(keys: Iterable<string>): Promise<() => void> {
    const unique = [...new Set(keys)];
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = unique.map((key) => this.tails.get(key));
    for (const key of unique) this.tails.set(key, mine);
    await Promise.all(before);
    return () => {
      release();
      for (const key of unique) if (this.tails.get(key) === mine) this.tails.delete(key);
    };
  }
}
