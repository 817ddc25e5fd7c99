/**
 * The files a terraform command's output goes to (the unit's log, captured stdout, the exit
 * status), written with plain synchronous writes, 0600 whatever their mode was, their directory
 * created 0700; and the tail of an output stream kept for the result. A write that fails (a full
 * disk, a read-only file system) is kept as the file's problem and later writes are dropped:
 * terraform's pipes are drained whatever the disk does.
 */
import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { RecordWriteProblem } from "../../ports/terraform-runner.ts";

/** The most of a stream's tail kept in a result. */
export const TAIL_LIMIT = 1024 * 1024;

/** The system's error code of `error` (`ENOSPC`, `EROFS`, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return error !== null &&
    typeof error === "object" &&
    "code" in error &&
    typeof error.code === "string"
    ? error.code
    : undefined;
}

/** `error` as the problem of the file at `path`. */
export function problemOf(path: string, error: unknown): RecordWriteProblem {
  const code = errorCode(error);
  return {
    path,
    ...(code !== undefined ? { code } : {}),
    message: error instanceof Error ? error.message : String(error),
  };
}

/** A file opened for appending (`a`) or replacing (`w`); see the module comment. */
export class PrivateFile {
  readonly path: string;
  private fd: number | undefined;
  /** The first failure, if any. */
  problem: RecordWriteProblem | undefined;

  constructor(path: string, flags: "a" | "w") {
    this.path = path;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      this.fd = openSync(path, flags, 0o600);
      fchmodSync(this.fd, 0o600);
    } catch (error) {
      this.problem = problemOf(path, error);
    }
  }

  /** Writes all of `data`, unless the file has failed. */
  write(data: string | Buffer): void {
    if (this.fd === undefined || this.problem) return;
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    try {
      for (let done = 0; done < bytes.length;)
        done += writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (error) {
      this.problem = problemOf(this.path, error);
    }
  }

  /** Closes it; later writes are dropped. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch (error) {
      this.problem ??= problemOf(this.path, error);
    }
    this.fd = undefined;
  }
}

/** Keeps the last {@link TAIL_LIMIT} characters of a growing text. */
export class OutputTail {
  private text = "";

  add(piece: string): void {
    this.text += piece;
    if (this.text.length > 2 * TAIL_LIMIT) this.text = this.text.slice(-TAIL_LIMIT);
  }

  value(): string {
    return this.text.length > TAIL_LIMIT ? this.text.slice(-TAIL_LIMIT) : this.text;
  }
}
