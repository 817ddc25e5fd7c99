/**
 * Bounded parallelism as a sliding window: at most `limit` tasks run at once, and the next one
 * starts as soon as any running one ends (never batch by batch, never an unbounded Promise.all).
 */

/**
 * Runs `task` over `items` with at most `limit` running at once; resolves with the results in the
 * order of `items`. A task that throws rejects the whole call once the running tasks settle; tasks
 * that report failures as values (as use cases do) never stop the window.
 */
export async function mapWithWindow<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`window size must be a positive integer, got ${limit}`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(limit, items.length); i += 1) workers.push(worker());
  await Promise.all(workers);
  if (failure !== undefined) throw failure.error;
  return results;
}
