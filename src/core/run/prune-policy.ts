/**
 * Which run records `crossform runs prune` (and `run.keep` after each run) removes: the records
 * beyond the newest `keep`, and with `olderThanSeconds` only those that started before then.
 * A record that holds the only copy of a state (`errored.tfstate`), the journal of a crashed run,
 * or a run still running is never removed, whatever its age.
 */

/** Why a record is kept whatever the policy says. */
export type ProtectedReason = "errored-state" | "crashed" | "running";

/** One run record as the policy sees it. */
export interface RunRecordEntry {
  id: string;
  /** When it started (epoch ms, from its id); undefined when the id does not say. */
  startedAt: number | undefined;
  /** Why it must stay, when it must. */
  protectedBy?: ProtectedReason;
}

/** What to prune. */
export interface PrunePolicy {
  /** Keep the newest `keep` records. */
  keep?: number;
  /** Remove only records that started more than this long before `now`. */
  olderThanSeconds?: number;
  /** Epoch ms. */
  now: number;
}

/** The records to remove, and those the policy would remove but that must stay. */
export interface PruneDecision {
  remove: string[];
  protected: { id: string; reason: ProtectedReason }[];
}

/** The start time of a run id (`20261124-101500-a1b2c3`, UTC), or undefined. */
export function runIdTime(id: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-[A-Za-z0-9]+$/.exec(id);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const time = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  return Number.isNaN(time) ? undefined : time;
}

/** Decides which records go; `records` in any order (newest by id first is used). */
export function decidePrune(
  records: readonly RunRecordEntry[],
  policy: PrunePolicy,
): PruneDecision {
  const newestFirst = [...records].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const beyond = policy.keep === undefined ? newestFirst : newestFirst.slice(policy.keep);
  const cutoff =
    policy.olderThanSeconds === undefined ? undefined : policy.now - policy.olderThanSeconds * 1000;
  const decision: PruneDecision = { remove: [], protected: [] };
  for (const record of beyond) {
    if (cutoff !== undefined && (record.startedAt === undefined || record.startedAt >= cutoff))
      continue;
    if (record.protectedBy) decision.protected.push({ id: record.id, reason: record.protectedBy });
    else decision.remove.push(record.id);
  }
  return decision;
}

/** An age written as `<n>m`, `<n>h`, `<n>d` or `<n>w` in seconds, or undefined when it is not one. */
export function ageSeconds(text: string): number | undefined {
  const match = /^(\d+)(m|h|d|w)$/.exec(text);
  if (!match) return undefined;
  const unit = { m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as "m" | "h" | "d" | "w"];
  return Number(match[1]) * unit;
}
