/** Options of {@link FileWriter.writeAtomic}. */
export interface WriteAtomicOptions {
  /**
   * Permission bits of the written file, applied exactly (not masked by the umask).
   * @default the existing file's mode; for a new file 0o666 minus the umask
   */
  mode?: number;
  /**
   * Before replacing an existing file whose contents change, copy it to `<path>.crossform-backup`
   * (one backup, the latest: an older backup is overwritten). Nothing is backed up when the file is
   * new or its contents stay the same.
   * @default false
   */
  backup?: boolean;
  /**
   * Permission bits of parent directories that have to be created (0o700 for `~/.aws`).
   * @default 0o777 minus the umask
   */
  directoryMode?: number;
}

/** What one atomic write did. */
export interface WriteAtomicResult {
  /** False when the file already held exactly these bytes (and mode): nothing was touched. */
  changed: boolean;
  /** Where the previous contents were copied, when a backup was made. */
  backupPath?: string;
}

/** Removes whole directories (pruned run records). */
export interface DirectoryRemover {
  /**
   * Removes the directory at `path` and everything in it: first renamed, in one step, to a hidden
   * sibling (`.<name>.removing`), then deleted, so that a crash half-way leaves no half-removed
   * directory under its own name. A missing directory is not an error.
   */
  removeDirectory(path: string): Promise<void>;
}

/**
 * Writes files so that a reader sees either the old or the new contents, never a mix, and a
 * crash or failure leaves the old file in place.
 */
export interface FileWriter {
  /**
   * Replaces `path` with `contents` (a string is written as UTF-8) through a temporary file in the
   * same directory that is flushed and renamed over it; creates missing parent directories; a
   * symbolic link is kept and its target is written. Writing the same bytes again changes
   * nothing, not even the backup.
   */
  writeAtomic(
    path: string,
    contents: string | Uint8Array,
    options?: WriteAtomicOptions,
  ): Promise<WriteAtomicResult>;
  /** Deletes the file at `path`; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** Creates a directory (and its parents) with exactly `mode`, or sets `mode` on an existing one. */
  ensureDirectory(path: string, mode: number): Promise<void>;
  /** Sets the permission bits of an existing file or directory. */
  setMode(path: string, mode: number): Promise<void>;
}
