/**
 * The process spawner: a small Node process that starts crossform's child processes on request
 * (process-spawner.ts). Starting a process forks the process that starts it, and a fork costs in
 * proportion to that process's memory: about 7 ms from a 50 MB process, 57 ms from a 190 MB one,
 * blocking its only thread (docs/performance.md, "Fleet scale"). crossform holds a whole run in
 * memory; this process holds nothing, so it forks cheaply, and on another CPU.
 *
 * It reads requests from its IPC channel and answers each started process's pid, output, and
 * end. It never signals a child (crossform signals process groups by pid itself), ignores the
 * terminal's signals (crossform decides what a Ctrl-C does), and exits when crossform goes away,
 * leaving its children as they are: a relay that got its `go` runs on, one that did not ends.
 */
import { spawn } from "node:child_process";
import type { ChildProcess, StdioOptions } from "node:child_process";
import type { SpawnerReply, SpawnerRequest } from "./spawner-protocol.ts";

const children = new Map<number, ChildProcess>();

function reply(message: SpawnerReply): void {
  process.send?.(message);
}

function start(request: Extract<SpawnerRequest, { op: "spawn" }>): void {
  const { id } = request;
  let child: ChildProcess;
  try {
    child = spawn(request.command, request.args, {
      cwd: request.cwd,
      env: request.env,
      detached: request.detached,
      stdio: request.stdio as StdioOptions,
    });
  } catch (error) {
    reply({ op: "error", id, error: errorOf(error) });
    return;
  }
  children.set(id, child);
  child.stdin?.on("error", () => undefined);
  child.once("spawn", () => reply({ op: "spawn", id, pid: child.pid as number }));
  child.once("error", (error) => {
    children.delete(id);
    reply({ op: "error", id, error: errorOf(error) });
  });
  child.stdout?.on("data", (chunk: Buffer) => reply({ op: "data", id, fd: 1, chunk }));
  child.stderr?.on("data", (chunk: Buffer) => reply({ op: "data", id, fd: 2, chunk }));
  child.once("exit", (code, signal) => reply({ op: "exit", id, code, signal }));
  child.once("close", (code, signal) => {
    children.delete(id);
    reply({ op: "close", id, code, signal });
  });
}

function errorOf(error: unknown): { message: string; code?: string } {
  const code =
    error !== null && typeof error === "object" && "code" in error && typeof error.code === "string"
      ? error.code
      : undefined;
  return {
    message: error instanceof Error ? error.message : String(error),
    ...(code === undefined ? {} : { code }),
  };
}

process.on("message", (request: SpawnerRequest) => {
  switch (request.op) {
    case "spawn":
      start(request);
      return;
    case "stdin":
      children.get(request.id)?.stdin?.write(request.data);
      return;
    case "stdin-end":
      children.get(request.id)?.stdin?.end(request.data);
      return;
  }
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => undefined);
process.on("disconnect", () => process.exit(0));
