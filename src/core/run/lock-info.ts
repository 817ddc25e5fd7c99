/**
 * A held state lock, from Terraform's "Error acquiring the state lock" message: who holds it,
 * for which operation, since when, and its id. Terraform prints the holder's lock info in a box
 * (`│ Lock Info:`, then `│   ID: ...` lines); the box characters are stripped.
 */

/** The holder of a state lock, as Terraform reports it. */
export interface HeldLock {
  id?: string;
  path?: string;
  operation?: string;
  who?: string;
  version?: string;
  created?: string;
}

const ACQUIRE_FAILED = /Error acquiring the state lock/;

/** The lock info of a failed lock acquisition in `stderr`, or undefined when there is none. */
export function parseHeldLock(stderr: string): HeldLock | undefined {
  if (!ACQUIRE_FAILED.test(stderr)) return undefined;
  const lines = stderr.split("\n").map((line) => line.replace(/^[│|]\s?/, "").trim());
  const start = lines.findIndex((line) => line === "Lock Info:");
  const lock: HeldLock = {};
  if (start === -1) return lock;
  const fields: Record<string, keyof HeldLock> = {
    ID: "id",
    Path: "path",
    Operation: "operation",
    Who: "who",
    Version: "version",
    Created: "created",
  };
  for (const line of lines.slice(start + 1)) {
    const match = /^(\w+):\s*(.*)$/.exec(line);
    if (!match) break;
    const field = fields[match[1] as string];
    if (field !== undefined && match[2] !== "") lock[field] = match[2];
  }
  return lock;
}

/** The failure message of a unit that found its state locked. */
export function heldLockMessage(
  command: string,
  lock: HeldLock,
  lockTimeoutSeconds: number,
): string {
  const holder = [
    lock.who !== undefined ? `by ${lock.who}` : undefined,
    lock.operation !== undefined ? `for ${lock.operation}` : undefined,
    lock.created !== undefined ? `since ${lock.created}` : undefined,
    lock.id !== undefined ? `lock id ${lock.id}` : undefined,
  ].filter((part) => part !== undefined);
  const waited = lockTimeoutSeconds > 0 ? ` (waited ${lockTimeoutSeconds} s)` : "";
  return `terraform ${command}: the state${lock.path !== undefined ? ` ${lock.path}` : ""} is locked${holder.length > 0 ? ` ${holder.join(", ")}` : ""}${waited}: another run is working on it; not retried: wait for it, or pass --lock-timeout (e.g. 5m) to have terraform wait`;
}
