/**
 * The messages between crossform and its process spawner (spawner.ts, process-spawner.ts), over a
 * Node IPC channel with advanced serialization (Buffers cross it as they are).
 */
import { fileURLToPath } from "node:url";

/** What crossform asks of the spawner. */
export type SpawnerRequest =
  | {
      op: "spawn";
      id: number;
      command: string;
      args: string[];
      cwd: string;
      env: Record<string, string>;
      detached: boolean;
      stdio: ("pipe" | "ignore")[];
    }
  /** Writes to a started process's stdin. */
  | { op: "stdin"; id: number; data: string }
  /** Writes `data` (when given) to a started process's stdin, then closes it. */
  | { op: "stdin-end"; id: number; data?: string };

/** What the spawner tells of a process, as `ChildProcess` would. */
export type SpawnerReply =
  | { op: "spawn"; id: number; pid: number }
  | { op: "error"; id: number; error: { message: string; code?: string } }
  | { op: "data"; id: number; fd: 1 | 2; chunk: Uint8Array }
  | { op: "exit"; id: number; code: number | null; signal: NodeJS.Signals | null }
  | { op: "close"; id: number; code: number | null; signal: NodeJS.Signals | null };

/** The spawner's script: its built `.js`, or its `.ts` source when crossform runs from source. */
export function spawnerScript(): string {
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  return fileURLToPath(new URL(`./spawner.${ext}`, import.meta.url));
}
