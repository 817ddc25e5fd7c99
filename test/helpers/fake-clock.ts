import { setImmediate as nextMacrotask } from "node:timers/promises";

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A manual clock for code that takes `now()` and waits through promises: `sleep(ms)` resolves
 * only when {@link FakeClock.run} advances time past it, so tests of timing are exact and instant.
 */
export class FakeClock {
  /** Current time in milliseconds. */
  time = 0;
  private timers: Timer[] = [];
  private seq = 0;

  /** The clock function to hand to the code under test. */
  readonly now = (): number => this.time;

  /** Resolves when the clock reaches `now + ms`. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.seq += 1;
      this.timers.push({ at: this.time + ms, seq: this.seq, resolve });
    });
  }

  /** Number of sleeps not yet resolved. */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Lets every promise chain settle, then (repeatedly) moves time to the earliest sleep and
   * resolves every sleep due then, until none is left or `until` is reached. `onSettled` runs at
   * each settled moment: after the code under test has reacted to everything due so far.
   */
  async run(options: { onSettled?: () => void; until?: number } = {}): Promise<void> {
    for (;;) {
      await settle();
      options.onSettled?.();
      if (this.timers.length === 0) return;
      const next = Math.min(...this.timers.map((t) => t.at));
      if (options.until !== undefined && next > options.until) {
        this.time = options.until;
        return;
      }
      this.time = next;
      const due = this.timers.filter((t) => t.at === next).sort((a, b) => a.seq - b.seq);
      this.timers = this.timers.filter((t) => t.at !== next);
      for (const timer of due) timer.resolve();
    }
  }
}

/** Waits until every queued promise reaction has run (a few macrotask turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await nextMacrotask();
}
