/**
 * Follows a log file another process appends to: each complete line added after the follower
 * started is handed on, read every few hundred milliseconds. crossform follows a unit's log this
 * way while the command's relay writes it (docs/decisions/0027-terraform-outlives-crossform.md).
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";

/** How often the file is read. */
const INTERVAL_MS = 250;
const CHUNK = 64 * 1024;

/** A running follower. */
export interface LogFollower {
  /** Reads what is left, hands on every line (the last one even without its newline), stops. */
  stop(): void;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Starts following `path` from its current end; `onLine` must not throw. */
export function followLog(path: string, onLine: (text: string) => void): LogFollower {
  let offset = sizeOf(path);
  let pending = "";
  const decoder = new StringDecoder("utf8");
  const emit = (text: string): void => {
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      try {
        onLine(line);
      } catch {
        // A listener's failure must not stop the follower.
      }
    }
  };
  const read = (): void => {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return;
    }
    try {
      const buffer = Buffer.alloc(CHUNK);
      for (;;) {
        const n = readSync(fd, buffer, 0, CHUNK, offset);
        if (n <= 0) break;
        offset += n;
        emit(decoder.write(buffer.subarray(0, n)));
      }
    } catch {
      // Read again at the next tick.
    } finally {
      closeSync(fd);
    }
  };
  const timer = setInterval(read, INTERVAL_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      read();
      emit(decoder.end());
      if (pending !== "") {
        const last = pending;
        pending = "";
        try {
          onLine(last);
        } catch {
          // as above
        }
      }
    },
  };
}
