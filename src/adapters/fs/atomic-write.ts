import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { chmod, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { mapWithWindow } from "../../core/concurrency/sliding-window.ts";
import { CrossformError } from "../../core/errors.ts";
import type {
  DirectoryRemover,
  FileToWrite,
  FileWriter,
  WriteAllOptions,
  WriteAtomicOptions,
  WriteAtomicResult,
} from "../../ports/file-writer.ts";
import { syncFileSystems } from "./sync-file-systems.ts";

/** Appended to a file's path to name its backup: one backup per file, the latest. */
export const BACKUP_SUFFIX = ".crossform-backup";

/** The name a directory being removed takes first (see {@link DirectoryRemover}). */
export const REMOVING_SUFFIX = ".removing";

/** {@link FileWriter} on the local file system through node:fs. */
export class AtomicFileWriter implements FileWriter, DirectoryRemover {
  /** See {@link FileWriter.writeAtomic} and {@link writeFileAtomic}. */
  writeAtomic(
    path: string,
    contents: string | Uint8Array,
    options?: WriteAtomicOptions,
  ): Promise<WriteAtomicResult> {
    return writeFileAtomic(path, contents, options);
  }

  /** See {@link FileWriter.writeAllAtomic} and {@link writeFilesAtomic}. */
  writeAllAtomic(
    files: readonly FileToWrite[],
    options?: WriteAllOptions,
  ): Promise<WriteAtomicResult[]> {
    return writeFilesAtomic(files, options);
  }

  /** See {@link FileWriter.remove} and {@link removeFile}. */
  remove(path: string): Promise<void> {
    return removeFile(path);
  }

  /** See {@link FileWriter.removeAll} and {@link removeFiles}. */
  removeAll(paths: readonly string[]): Promise<void> {
    return removeFiles(paths);
  }

  /** See {@link FileWriter.ensureDirectory}. */
  async ensureDirectory(path: string, mode: number): Promise<void> {
    await mkdir(path, { recursive: true, mode });
    await chmod(path, mode);
  }

  /** See {@link FileWriter.setMode}. */
  setMode(path: string, mode: number): Promise<void> {
    return chmod(path, mode);
  }

  /** See {@link DirectoryRemover.removeDirectory}. */
  async removeDirectory(path: string): Promise<void> {
    const name = basename(path);
    const doomed = name.endsWith(REMOVING_SUFFIX)
      ? path
      : join(dirname(path), `.${name}${REMOVING_SUFFIX}`);
    await guard(path, async () => {
      if (doomed !== path) {
        try {
          await rename(path, doomed);
        } catch (error) {
          if (errorCode(error) === "ENOENT") return;
          throw error;
        }
        await syncDirectory(dirname(resolve(path)));
      }
      await rm(doomed, { recursive: true, force: true });
    });
  }
}

/**
 * Replaces `path` atomically: the contents go to `.<name>.crossform-<random>.tmp` in the same
 * directory, are flushed to disk, renamed over the file, and the directory is flushed too. The
 * existing file's mode (and, when run as root, its owner) is kept unless `mode` is given; with
 * `backup`, the old contents are first written to `<path>.crossform-backup` the same way. When
 * the file already holds these bytes nothing is written. On failure the temporary file is removed
 * and the original file is untouched.
 * @throws CrossformError `fs/not-a-file` when `path` is a directory or another non-file,
 *   `fs/write-failed` when the file system refuses.
 */
export async function writeFileAtomic(
  path: string,
  contents: string | Uint8Array,
  options: WriteAtomicOptions = {},
): Promise<WriteAtomicResult> {
  const staged = stageFile({ path, contents }, options);
  if (staged.kind === "same") return { changed: false };
  if (staged.kind === "mode") return { changed: true };
  const temps = [staged.temp];
  let backupPath: string | undefined;
  try {
    if (options.backup === true && staged.existing !== undefined) {
      backupPath = staged.target + BACKUP_SUFFIX;
      const { data, mode } = staged.existing;
      temps.push(guardSync(path, () => writeTemp(backupPath as string, data, mode, staged.owner)));
    }
    await guard(path, () => syncFileSystems(temps));
    if (backupPath !== undefined) {
      await guard(path, () => rename(temps[1] as string, backupPath as string));
      temps.pop();
    }
    await guard(path, () => rename(staged.temp, staged.target));
  } catch (error) {
    for (const temp of temps) rmSync(temp, { force: true });
    throw error;
  }
  await guard(path, () => syncDirectory(dirname(staged.target)));
  return backupPath === undefined ? { changed: true } : { changed: true, backupPath };
}

/** How many files a batch renames or removes at once (the I/O thread pool's queue). */
const BATCH_WINDOW = 32;

/**
 * Replaces many files, each atomically as {@link writeFileAtomic} does, with one flush for the
 * whole batch instead of two per file (docs/decisions/0033-costs-at-fleet-scale.md): every
 * changed file's contents go to a temporary file next to it; then the file systems are flushed
 * once (sync-file-systems.ts), and only then is each temporary file renamed over its file, and
 * each directory flushed once. A reader sees a file's old or new contents, never a mix; a crash
 * before the renames leaves every file as it was, a crash during them leaves each file whole, old
 * or new. Files that already hold these bytes are not touched. On failure the temporary files not
 * yet renamed are removed.
 * @throws CrossformError as {@link writeFileAtomic}, naming the file that failed.
 */
export async function writeFilesAtomic(
  files: readonly FileToWrite[],
  options: WriteAllOptions = {},
): Promise<WriteAtomicResult[]> {
  const pending = new Set<Written>();
  const results: WriteAtomicResult[] = [];
  try {
    // Synchronous on purpose: thousands of small files in a few directories are written faster by
    // one thread than through the I/O pool, whose threads contend for each directory's lock.
    for (const file of files) {
      const staged = stageFile(file, options);
      if (staged.kind === "written") pending.add(staged);
      results.push({ changed: staged.kind !== "same" });
    }
    await syncFileSystems([...pending].map((f) => f.temp));
  } catch (error) {
    for (const file of pending) rmSync(file.temp, { force: true });
    throw error;
  }
  const written = [...pending];
  try {
    await mapWithWindow(written, BATCH_WINDOW, async (file) => {
      await guard(file.path, () => rename(file.temp, file.target));
      pending.delete(file);
    });
  } catch (error) {
    for (const file of pending) rmSync(file.temp, { force: true });
    throw error;
  }
  const directories = [...new Set(written.map((f) => dirname(f.target)))];
  await mapWithWindow(directories, BATCH_WINDOW, (d) => guard(d, () => syncDirectory(d)));
  return results;
}

/**
 * Deletes many files, each as {@link removeFile} does, flushing each directory once at the end
 * rather than once per file; missing files are not an error.
 * @throws CrossformError `fs/write-failed` naming the first file the file system refused.
 */
export async function removeFiles(paths: readonly string[]): Promise<void> {
  await mapWithWindow(paths, BATCH_WINDOW, (path) => guard(path, () => removeIfPresent(path)));
  const directories = [...new Set(paths.map((p) => dirname(resolve(p))))];
  await mapWithWindow(directories, BATCH_WINDOW, async (d) => {
    if ((await stat(d).catch(() => undefined)) !== undefined) {
      await guard(d, () => syncDirectory(d));
    }
  });
}

/**
 * Deletes the file at `path` and flushes its directory; a missing file is not an error.
 * @throws CrossformError `fs/write-failed` when the file system refuses (a directory, say).
 */
export async function removeFile(path: string): Promise<void> {
  await guard(path, async () => {
    if (await removeIfPresent(path)) await syncDirectory(dirname(resolve(path)));
  });
}

/** Removes a file; false when there was none. */
async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
}

interface ExistingFile {
  data: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

/** A file whose new contents wait in a temporary file next to it (not yet flushed). */
interface Written {
  kind: "written";
  path: string;
  target: string;
  temp: string;
  existing: ExistingFile | undefined;
  owner: { uid: number; gid: number } | undefined;
}

/**
 * The first step of every write: where the bytes go (a symbolic link is followed), what is there,
 * and, when the contents change, the temporary file holding them. `same`: nothing to do; `mode`:
 * the same bytes, whose mode was set in place.
 */
function stageFile(
  file: FileToWrite,
  options: WriteAllOptions,
): { kind: "same" } | { kind: "mode" } | Written {
  const { path, contents } = file;
  const data =
    typeof contents === "string"
      ? Buffer.from(contents, "utf8")
      : Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
  const target = resolveTarget(path);
  const existing = readExisting(target, path);
  if (existing !== undefined && existing.data.equals(data)) {
    if (options.mode === undefined || existing.mode === options.mode) return { kind: "same" };
    guardSync(path, () => {
      const fd = openSync(target, "r");
      try {
        fchmodSync(fd, options.mode as number);
      } finally {
        closeSync(fd);
      }
    });
    return { kind: "mode" };
  }
  guardSync(path, () => makeDirectory(dirname(target), options.directoryMode));
  const owner = existing === undefined ? undefined : { uid: existing.uid, gid: existing.gid };
  const mode = options.mode ?? existing?.mode;
  const temp = guardSync(path, () => writeTemp(target, data, mode, owner));
  return { kind: "written", path, target, temp, existing, owner };
}

// A symlinked config (dotfile managers do this) must stay a symlink: write where it points.
function resolveTarget(path: string): string {
  const absolute = resolve(path);
  try {
    if (!lstatSync(absolute).isSymbolicLink()) return absolute;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return absolute;
    throw writeFailed(path, error);
  }
  try {
    return realpathSync(absolute);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw writeFailed(path, error);
    // A dangling link: create the file it names.
    return resolve(
      dirname(absolute),
      guardSync(path, () => readlinkSync(absolute)),
    );
  }
}

function readExisting(target: string, path: string): ExistingFile | undefined {
  let fd: number;
  try {
    fd = openSync(target, "r");
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") return undefined;
    if (code === "EISDIR") throw notAFile(path);
    throw writeFailed(path, error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notAFile(path);
    return {
      data: readFileSync(fd),
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
    };
  } catch (error) {
    if (error instanceof CrossformError) throw error;
    throw writeFailed(path, error);
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates a missing directory and its parents. New directory entries are durable only once each
 * parent that gained one is flushed: rare (a new stack's `backends/`), so flushed here, at once.
 */
function makeDirectory(directory: string, mode: number | undefined): void {
  const first = mkdirSync(
    directory,
    mode === undefined ? { recursive: true } : { recursive: true, mode },
  );
  if (first === undefined) return;
  const created = relative(first, directory)
    .split(sep)
    .filter((part) => part !== "");
  let current = first;
  syncDirectorySync(dirname(current));
  for (const part of created) {
    syncDirectorySync(current);
    current = join(current, part);
  }
}

/** Writes `data` to a new temporary file next to `target` and closes it (not flushed). */
function writeTemp(
  target: string,
  data: Buffer,
  mode: number | undefined,
  owner: { uid: number; gid: number } | undefined,
): string {
  const temp = join(
    dirname(target),
    `.${basename(target)}.crossform-${randomBytes(6).toString("hex")}.tmp`,
  );
  // Without an explicit mode the kernel applies the umask to 0o666, as for any new file.
  const fd = openSync(temp, "wx", mode ?? 0o666);
  try {
    if (mode !== undefined) fchmodSync(fd, mode);
    if (owner !== undefined && process.getuid?.() === 0) fchownSync(fd, owner.uid, owner.gid);
    writeFileSync(fd, data);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  return temp;
}

// Some platforms cannot open or flush a directory; the rename itself is still atomic there.
const UNSYNCABLE_DIRECTORY = new Set(["EISDIR", "EINVAL", "EPERM", "EBADF"]);

async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch (error) {
    if (!UNSYNCABLE_DIRECTORY.has(errorCode(error) ?? "")) throw error;
  } finally {
    await handle?.close();
  }
}

function syncDirectorySync(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, "r");
    fsyncSync(fd);
  } catch (error) {
    if (!UNSYNCABLE_DIRECTORY.has(errorCode(error) ?? "")) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function guard<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof CrossformError) throw error;
    throw writeFailed(path, error);
  }
}

function guardSync<T>(path: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof CrossformError) throw error;
    throw writeFailed(path, error);
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

function notAFile(path: string): CrossformError {
  return new CrossformError(
    "fs/not-a-file",
    "user",
    `cannot write ${path}: it is not a regular file`,
    {
      hint: "point crossform at a file path, or move the directory or special file out of the way",
    },
  );
}

function writeFailed(path: string, error: unknown): CrossformError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CrossformError("fs/write-failed", "external", `cannot write ${path}: ${reason}`, {
    hint: "check that the directory is writable and the disk is not full; the original file was left as it was",
    cause: error,
  });
}
