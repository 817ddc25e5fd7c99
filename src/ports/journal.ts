/**
 * An append-only file that survives the death of the process writing it: the run journal
 * (docs/decisions/0019-run-stages-and-ledger.md). Each append is in the kernel's hands when its
 * promise resolves, so a `kill -9` of crossform loses none of it; a durable append is also on disk
 * (a machine crash keeps it).
 */

/** An open journal file. */
export interface JournalHandle {
  /**
   * Appends `text` at the end of the file. Resolves once written; with `durable`, once flushed to
   * disk. Rejects with the file system's error (a full disk, a read-only file system).
   */
  append(text: string, options?: { durable?: boolean }): Promise<void>;
  /** Closes the file; later appends reject. */
  close(): Promise<void>;
}

/** Opens journal files. */
export interface JournalFiles {
  /** Opens `path` for appending, creating it with `mode` (exactly) when it does not exist. */
  open(path: string, mode: number): Promise<JournalHandle>;
}
