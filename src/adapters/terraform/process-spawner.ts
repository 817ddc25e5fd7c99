/**
 * Where crossform's child processes are started: through one process spawner per crossform process
 * (spawner.ts), forked at the first start and kept while children run. `spawn` from crossform
 * itself forks all of crossform, whose memory grows with the run: at 9,000 units each start
 * blocked crossform's only thread for tens of milliseconds (docs/performance.md, "Fleet scale").
 * Through the spawner, a start costs crossform one message. A spawner that cannot be forked is
 * not an error: processes are then started directly.
 *
 * {@link spawnProcess} returns what crossform uses of a `ChildProcess`: `pid` once started (the
 * `spawn` event), `stdin` to write and close, `stdout` and `stderr` as data events, and the `error`,
 * `exit` and `close` events. Signals go to process groups by pid (group-stops.ts), never through it.
 *
 * The spawner is not a supervisor: a relay it started lives in a session of its own and outlives
 * it as it outlives crossform (docs/decisions/0027-terraform-outlives-crossform.md). A spawner
 * that ends while crossform lives costs nothing of that: crossform then waits for each process it
 * had started to be gone from the process table before taking it for ended.
 */
import { fork, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { StringDecoder } from "node:string_decoder";
import { NodeProcessTable } from "../system/node-process-table.ts";
import { spawnerScript } from "./spawner-protocol.ts";
import type { SpawnerReply, SpawnerRequest } from "./spawner-protocol.ts";

/** A started process's stdin. */
export interface ChildInput {
  write(data: string): unknown;
  end(data?: string): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** A started process's stdout or stderr: `data` events, Buffers or, after `setEncoding`, text. */
export interface ChildOutput {
  setEncoding(encoding: BufferEncoding): unknown;
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  on(event: "data", listener: (chunk: string) => void): unknown;
}

/** What crossform uses of a started process (a `ChildProcess` is one). */
export interface SpawnedChild extends EventEmitter {
  /** Undefined until the `spawn` event. */
  readonly pid?: number | undefined;
  readonly stdin: ChildInput | null;
  readonly stdout: ChildOutput | null;
  readonly stderr: ChildOutput | null;
}

/** Options of {@link spawnProcess}: argv only, never a shell. */
export interface SpawnProcessOptions {
  cwd: string;
  env: Record<string, string>;
  detached: boolean;
  stdio: ["pipe" | "ignore", "pipe" | "ignore", "pipe" | "ignore"];
}

/** stdout or stderr of a process started by the spawner. */
class RemoteOutput extends EventEmitter implements ChildOutput {
  private decoder: StringDecoder | undefined;

  setEncoding(encoding: BufferEncoding): this {
    this.decoder = new StringDecoder(encoding);
    return this;
  }

  push(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.emit("data", this.decoder === undefined ? bytes : this.decoder.write(bytes));
  }

  end(): void {
    const rest = this.decoder?.end();
    if (rest !== undefined && rest !== "") this.emit("data", rest);
    this.emit("end");
  }
}

/** A process started by the spawner, told of by its replies. */
class RemoteChild extends EventEmitter implements SpawnedChild {
  pid: number | undefined;
  readonly stdin: ChildInput | null;
  readonly stdout: RemoteOutput | null;
  readonly stderr: RemoteOutput | null;

  constructor(id: number, stdio: SpawnProcessOptions["stdio"], send: (r: SpawnerRequest) => void) {
    super();
    this.stdin =
      stdio[0] === "pipe"
        ? {
            write: (data: string) => send({ op: "stdin", id, data }),
            end: (data?: string) =>
              send(data === undefined ? { op: "stdin-end", id } : { op: "stdin-end", id, data }),
            on: () => undefined,
          }
        : null;
    this.stdout = stdio[1] === "pipe" ? new RemoteOutput() : null;
    this.stderr = stdio[2] === "pipe" ? new RemoteOutput() : null;
  }

  handle(reply: SpawnerReply): void {
    switch (reply.op) {
      case "spawn":
        this.pid = reply.pid;
        this.emit("spawn");
        return;
      case "error":
        this.emit("error", Object.assign(new Error(reply.error.message), reply.error));
        return;
      case "data":
        (reply.fd === 1 ? this.stdout : this.stderr)?.push(reply.chunk);
        return;
      case "exit":
        this.emit("exit", reply.code, reply.signal);
        return;
      case "close":
        // A later turn, as Node's own 'close' comes: several replies can arrive in one read, and a
        // caller that listens for 'close' only once 'error' or 'exit' reached it must hear it.
        setImmediate(() => {
          this.stdout?.end();
          this.stderr?.end();
          this.emit("close", reply.code, reply.signal);
        });
        return;
    }
  }
}

/** The spawner of this process, with the children it runs now. */
interface Spawner {
  process: ChildProcess;
  children: Map<number, RemoteChild>;
}

let current: Spawner | undefined;
let nextId = 1;

/** The spawner, forked on first use; undefined when it cannot be. */
function spawner(): Spawner | undefined {
  if (current !== undefined) return current;
  let child: ChildProcess;
  try {
    // Nothing of crossform's own environment or flags: every request carries the child's.
    child = fork(spawnerScript(), [], {
      env: {},
      execArgv: [],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
  } catch {
    return undefined;
  }
  const made: Spawner = { process: child, children: new Map() };
  child.on("message", (reply: SpawnerReply) => {
    const remote = made.children.get(reply.id);
    if (reply.op === "close") {
      made.children.delete(reply.id);
      idle(made);
    }
    remote?.handle(reply);
  });
  // 'close' comes after the spawner's exit and after the last of its messages.
  child.once("close", () => lost(made));
  child.on("error", () => {
    // A message that could not be sent, or a spawner that could not be started: a spawner that
    // runs is stopped (its pipes close: a relay without its `go` ends), and its 'close' follows.
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      lost(made);
    } else {
      child.kill("SIGKILL");
    }
  });
  current = made;
  idle(made);
  return made;
}

/**
 * The spawner ended while crossform lives (killed, or failed): a process it had not started yet
 * fails to start; one it started is not taken for ended while it runs. Its end is told once it is
 * gone from the process table (same pid, same start time), with neither exit code nor signal:
 * a relay's status file then says how terraform ended.
 */
function lost(s: Spawner): void {
  if (current === s) current = undefined;
  const error = new Error("crossform's process spawner ended before it started the command");
  for (const [id, remote] of s.children) {
    s.children.delete(id);
    if (remote.pid === undefined) {
      remote.handle({ op: "error", id, error: { message: error.message } });
      continue;
    }
    void processGone(remote.pid).then(() => {
      remote.handle({ op: "exit", id, code: null, signal: null });
      remote.handle({ op: "close", id, code: null, signal: null });
    });
  }
}

/** Resolves once the process `pid` names now has ended (polled every 250 ms). */
async function processGone(pid: number): Promise<void> {
  const table = new NodeProcessTable();
  const identity = await table.identify(pid);
  if (identity === undefined) return;
  while (await table.isRunning(identity)) {
    await new Promise((resolve) => setTimeout(resolve, GONE_POLL_MS));
  }
}

const GONE_POLL_MS = 250;

/** A spawner with no child running does not keep crossform alive. */
function idle(s: Spawner): void {
  if (s.children.size === 0) {
    s.process.unref();
    s.process.channel?.unref();
  } else {
    s.process.ref();
    s.process.channel?.ref();
  }
}

/** Starts a process through the spawner (or directly when it cannot be forked). */
export function spawnProcess(
  command: string,
  args: readonly string[],
  options: SpawnProcessOptions,
): SpawnedChild {
  const s = spawner();
  if (s === undefined) return spawn(command, [...args], options);
  const id = nextId;
  nextId += 1;
  const send = (request: SpawnerRequest): void => {
    if (s.process.connected) s.process.send(request);
  };
  const remote = new RemoteChild(id, options.stdio, send);
  s.children.set(id, remote);
  idle(s);
  send({
    op: "spawn",
    id,
    command,
    args: [...args],
    cwd: options.cwd,
    env: options.env,
    detached: options.detached,
    stdio: options.stdio,
  });
  return remote;
}

/**
 * Lets the spawner go and waits for it to exit, so that it is reaped by crossform (what it and the
 * processes it waited for used then counts as crossform's children's, as `time` shows). Its
 * children are left as they are: a relay runs on. Resolves at once when there is no spawner.
 */
export async function closeSpawner(): Promise<void> {
  const s = current;
  if (s === undefined) return;
  current = undefined;
  // Nobody waits for them any more: their ends are not watched for.
  s.children.clear();
  if (s.process.exitCode !== null || s.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => s.process.once("exit", () => resolve()));
  // An idle spawner is unreferenced: referenced again, its exit keeps this process until it comes.
  s.process.ref();
  s.process.disconnect();
  await exited;
}
