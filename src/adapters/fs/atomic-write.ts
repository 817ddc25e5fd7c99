import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, open, readlink, realpath, rename, rm } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { CrossformError } from "../../core/errors.ts";
import type {
  DirectoryRemover,
  FileWriter,
  WriteAtomicOptions,
  WriteAtomicResult,
} from "../../ports/file-writer.ts";

/** Appended to a file's path to name its backup: one backup per file, the latest. */
export const BACKUP_SUFFIX = ".crossform-backup";

/** The name a directory being removed takes first (see {@link DirectoryRemover}). */
export const REMOVING_SUFFIX = ".removing";

/** {@link FileWriter} on the local file system through node:fs/promises. */
export class AtomicFileWriter implements FileWriter, DirectoryRemover {
  /** See {@link FileWriter.writeAtomic} and {@link writeFileAtomic}. */
  writeAtomic(
    path: string,
    contents: string | Uint8Array,
    options?: WriteAtomicOptions,
  ): Promise<WriteAtomicResult> {
    return writeFileAtomic(path, contents, options);
  }

  /** See {@link FileWriter.remove} and {@link removeFile}. */
  remove(path: string): Promise<void> {
    return removeFile(path);
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
  const data =
    typeof contents === "string"
      ? Buffer.from(contents, "utf8")
      : Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
  const target = await resolveTarget(path);
  const existing = await readExisting(target, path);
  if (existing !== undefined && existing.data.equals(data)) {
    if (options.mode === undefined || existing.mode === options.mode) return { changed: false };
    await guard(path, async () => {
      const handle = await open(target, "r");
      try {
        await handle.chmod(options.mode as number);
      } finally {
        await handle.close();
      }
    });
    return { changed: true };
  }
  const directory = dirname(target);
  await guard(path, () => makeDirectory(directory, options.directoryMode));
  const owner = existing === undefined ? undefined : { uid: existing.uid, gid: existing.gid };
  const temp = await guard(path, () =>
    writeTemp(target, data, options.mode ?? existing?.mode, owner),
  );
  let backupPath: string | undefined;
  try {
    if (options.backup === true && existing !== undefined) {
      backupPath = target + BACKUP_SUFFIX;
      const backupTemp = await writeTemp(backupPath, existing.data, existing.mode, owner);
      await renameOrRemove(backupTemp, backupPath);
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw writeFailed(path, error);
  }
  await guard(path, () => syncDirectory(directory));
  return backupPath === undefined ? { changed: true } : { changed: true, backupPath };
}

/**
 * Deletes the file at `path` and flushes its directory; a missing file is not an error.
 * @throws CrossformError `fs/write-failed` when the file system refuses (a directory, say).
 */
export async function removeFile(path: string): Promise<void> {
  await guard(path, async () => {
    try {
      await rm(path);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return;
      throw error;
    }
    await syncDirectory(dirname(resolve(path)));
  });
}

interface ExistingFile {
  data: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

// A symlinked config (dotfile managers do this) must stay a symlink: write where it points.
async function resolveTarget(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    const stats = await lstat(absolute);
    if (!stats.isSymbolicLink()) return absolute;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return absolute;
    throw writeFailed(path, error);
  }
  try {
    return await realpath(absolute);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw writeFailed(path, error);
    // A dangling link: create the file it names.
    return resolve(dirname(absolute), await guard(path, () => readlink(absolute)));
  }
}

async function readExisting(target: string, path: string): Promise<ExistingFile | undefined> {
  let handle;
  try {
    handle = await open(target, "r");
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") return undefined;
    if (code === "EISDIR") throw notAFile(path);
    throw writeFailed(path, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notAFile(path);
    return {
      data: await handle.readFile(),
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
    };
  } catch (error) {
    if (error instanceof CrossformError) throw error;
    throw writeFailed(path, error);
  } finally {
    await handle.close();
  }
}

async function makeDirectory(directory: string, mode: number | undefined): Promise<void> {
  const first = await mkdir(
    directory,
    mode === undefined ? { recursive: true } : { recursive: true, mode },
  );
  if (first === undefined) return;
  // New directory entries are durable only once each parent that gained one is flushed.
  const created = relative(first, directory)
    .split(sep)
    .filter((part) => part !== "");
  let current = first;
  await syncDirectory(dirname(current));
  for (const part of created) {
    await syncDirectory(current);
    current = join(current, part);
  }
}

async function writeTemp(
  target: string,
  data: Buffer,
  mode: number | undefined,
  owner: { uid: number; gid: number } | undefined,
): Promise<string> {
  const temp = join(
    dirname(target),
    `.${basename(target)}.crossform-${randomBytes(6).toString("hex")}.tmp`,
  );
  // Without an explicit mode the kernel applies the umask to 0o666, as for any new file.
  const handle = await open(temp, "wx", mode ?? 0o666);
  try {
    if (mode !== undefined) await handle.chmod(mode);
    if (owner !== undefined && process.getuid?.() === 0) {
      await handle.chown(owner.uid, owner.gid);
    }
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}

async function renameOrRemove(temp: string, target: string): Promise<void> {
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

// Some platforms cannot open or flush a directory; the rename itself is still atomic there.
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== "EISDIR" && code !== "EINVAL" && code !== "EPERM" && code !== "EBADF") {
      throw error;
    }
  } finally {
    await handle?.close();
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
