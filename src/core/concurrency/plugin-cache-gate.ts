/**
 * Orders `terraform init` runs that share one provider plugin cache. Terraform does not lock its
 * cache: two inits installing the same provider into it at once can each see the other's
 * half-written copy. The first init of each lock file (and every init without a lock file, whose
 * providers are unknown beforehand) is a leader: leaders run one at a time. An init whose lock file
 * a leader already has waits until that leader's init ended; its providers are then all in the
 * cache and are only linked from it, so such followers run in parallel with anything.
 */
export class PluginCacheGate {
  #tail: Promise<void> = Promise.resolve();
  readonly #leaders = new Map<string, Promise<void>>();

  /**
   * Runs `init` for a stack or unit whose `.terraform.lock.hcl` has the hash `lockHash`
   * (undefined: it has none), when the gate lets it; resolves or rejects as `init` does.
   */
  async run<T>(lockHash: string | undefined, init: () => Promise<T>): Promise<T> {
    const leader = lockHash === undefined ? undefined : this.#leaders.get(lockHash);
    if (leader !== undefined) {
      await leader;
      return init();
    }
    let release = (): void => undefined;
    const done = new Promise<void>((resolve) => (release = resolve));
    if (lockHash !== undefined) this.#leaders.set(lockHash, done);
    const previous = this.#tail;
    this.#tail = previous.then(() => done);
    await previous;
    try {
      return await init();
    } finally {
      release();
    }
  }
}
