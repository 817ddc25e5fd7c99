/**
 * The DynamoDB lock table of `lock: dynamodb:<table>`: Terraform's S3 backend writes its locks
 * under the hash key `LockID`; bootstrap creates the table on demand (PAY_PER_REQUEST), so an idle
 * table costs nothing.
 */

/** The hash key Terraform's S3 backend locks with. */
export const LOCK_TABLE_HASH_KEY = "LockID";

/** The billing mode bootstrap creates lock tables with. */
export const LOCK_TABLE_BILLING_MODE = "PAY_PER_REQUEST";

/** A lock table as read back from DynamoDB. */
export interface LockTableState {
  status: string;
  hashKey: string | undefined;
}

/** What to do with a lock table. */
export type LockTableChange =
  { kind: "create" } | { kind: "unchanged" } | { kind: "wrong-key"; hashKey: string | undefined };

/**
 * A missing table is created; an existing one is kept when its hash key is `LockID`. A table with
 * another key cannot serve as a lock table, and changing a key means recreating the table, which
 * bootstrap never does to an existing table.
 */
export function lockTableChange(actual: LockTableState | undefined): LockTableChange {
  if (actual === undefined) return { kind: "create" };
  if (actual.hashKey !== LOCK_TABLE_HASH_KEY) return { kind: "wrong-key", hashKey: actual.hashKey };
  return { kind: "unchanged" };
}
