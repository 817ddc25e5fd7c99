/** {@link JournalFiles} on node:fs: appends through one file descriptor, in call order. */
import { chmod, open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import type { JournalFiles, JournalHandle } from "../../ports/journal.ts";

/** Appends in order; a durable append waits for `fdatasync`. */
class FileJournal implements JournalHandle {
  private readonly handle: FileHandle;
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(handle: FileHandle) {
    this.handle = handle;
  }

  append(text: string, options: { durable?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the journal is closed"));
    const write = async (): Promise<void> => {
      await this.handle.appendFile(text, "utf8");
      if (options.durable === true) await this.handle.datasync();
    };
    // One write at a time, in call order; a failed write does not stop the ones after it.
    const next = this.tail.then(write, write);
    this.tail = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.handle.close();
  }
}

/** Opens journals on the local file system. */
export class NodeJournalFiles implements JournalFiles {
  async open(path: string, mode: number): Promise<JournalHandle> {
    const handle = await open(path, "a", mode);
    try {
      await chmod(path, mode);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new FileJournal(handle);
  }
}
