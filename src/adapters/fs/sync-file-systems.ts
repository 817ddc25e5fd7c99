/**
 * Flushes the data of many files to disk at once. `fsync` of each file costs a journal commit per
 * file: for the 18,000 files of a 9,000-unit `generate` that was most of 40 seconds. One
 * `syncfs(2)` of each file system holding them flushes the same data in one commit. Node has no
 * binding for it, so this runs `sync -f` (GNU coreutils since 8.24, BusyBox), argv only, once per
 * file system; where that fails (macOS's `sync` takes no operand) each file is flushed on its own.
 */
import { execFile } from "node:child_process";
import { open, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { mapWithWindow } from "../../core/concurrency/sliding-window.ts";

/** Below this many files, flushing each is cheaper than starting a process. */
const FEW_FILES = 16;

/** Flushes each file to disk, at most 32 at once (the I/O thread pool's queue). */
async function syncEachFile(paths: readonly string[]): Promise<void> {
  await mapWithWindow(paths, 32, async (path) => {
    const handle = await open(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/** Runs `sync -f` on one path of each file system; false when it could not. */
function syncFs(paths: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile("sync", ["-f", ...paths], { timeout: 600_000 }, (error) => resolve(error === null));
  });
}

/**
 * Makes the data of every file in `paths` durable: one `sync -f` per file system they live on,
 * or, for a few files or where that fails, an `fsync` of each.
 */
export async function syncFileSystems(paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  if (paths.length < FEW_FILES) return syncEachFile(paths);
  const byDevice = new Map<number, string>();
  for (const directory of new Set(paths.map((p) => dirname(p)))) {
    const { dev } = await stat(directory);
    if (!byDevice.has(dev)) byDevice.set(dev, directory);
  }
  if (await syncFs([...byDevice.values()])) return;
  await syncEachFile(paths);
}
