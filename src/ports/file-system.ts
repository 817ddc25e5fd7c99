/** One entry of a directory listing. */
export interface DirectoryEntry {
  /** The entry's own name, not a path. */
  name: string;
  /** True for a directory (a symbolic link counts as what it points to). */
  isDirectory: boolean;
  /** True for a regular file (a symbolic link counts as what it points to). */
  isFile: boolean;
}

/** What a path names, symbolic links followed. */
export interface PathInfo {
  kind: "file" | "directory" | "fifo" | "device" | "socket" | "other";
  /** Size in bytes (of a regular file; 0 or meaningless for the others). */
  size: number;
}

/** Read access to the file system, as the use cases need it. Paths are absolute or relative to the process's directory. */
export interface FileSystem {
  /** The text of a UTF-8 file (bytes that are not UTF-8 become U+FFFD); rejects when it cannot be read. */
  readText(path: string): Promise<string>;
  /**
   * The texts of many UTF-8 files, in the order of `paths`, undefined for a file that does not
   * exist; rejects when one exists and cannot be read. For thousands of small files (`generate`):
   * one call, not one round trip per file.
   */
  readTextsIfPresent(paths: readonly string[]): Promise<(string | undefined)[]>;
  /** A file's bytes (a saved plan); rejects when it cannot be read. */
  readBytes(path: string): Promise<Uint8Array>;
  /** The entries of a directory, sorted by name; rejects when it cannot be listed. */
  listDir(path: string): Promise<DirectoryEntry[]>;
  /** True when something exists at the path (following symbolic links). */
  exists(path: string): Promise<boolean>;
  /** The hex SHA-256 of a file's bytes; rejects when it cannot be read. */
  sha256(path: string): Promise<string>;
  /** What is at the path (symbolic links followed), or undefined when nothing is. */
  pathInfo(path: string): Promise<PathInfo | undefined>;
  /** The canonical absolute path, every symbolic link resolved; rejects when it does not exist. */
  realPath(path: string): Promise<string>;
}
