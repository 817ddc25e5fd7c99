import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { closeSpawner, spawnProcess } from "../../../../src/adapters/terraform/process-spawner.ts";
import type { SpawnedChild } from "../../../../src/adapters/terraform/process-spawner.ts";

/** Fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, session, ... */
async function stat(pid: number): Promise<string[]> {
  const text = await readFile(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

function ended(child: SpawnedChild): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
}

test("a process started through the spawner: its own group, stdin in, stdout and stderr out, its exit", async () => {
  const child = spawnProcess(
    "sh",
    ["-c", 'read line; echo "out:$line"; echo err >&2; sleep 0.3; exit 3'],
    {
      cwd: "/",
      env: { PATH: process.env.PATH ?? "" },
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const out: Buffer[] = [];
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => (err += chunk));
  await new Promise((resolve) => child.once("spawn", resolve));
  const pid = child.pid as number;
  const [, ppid, group, session] = await stat(pid);
  assert.equal(group, String(pid), "it leads its process group");
  assert.equal(session, String(pid), "and its session");
  assert.notEqual(ppid, String(process.pid), "the spawner forked it, not this process");
  child.stdin?.end("hello\n");
  assert.deepEqual(await ended(child), { code: 3, signal: null });
  assert.equal(Buffer.concat(out).toString("utf8"), "out:hello\n");
  assert.equal(err, "err\n");
});

test("a binary that is not there: an error with its code, then close", async () => {
  const child = spawnProcess("crossform-no-such-binary", [], {
    cwd: "/",
    env: { PATH: "/nonexistent" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const error = await new Promise<NodeJS.ErrnoException>((resolve) => child.once("error", resolve));
  assert.equal(error.code, "ENOENT");
  await ended(child);
  assert.equal(child.pid, undefined);
});

test("a signal to the group by pid ends the process; the spawner reports the signal", async () => {
  const child = spawnProcess("sleep", ["30"], {
    cwd: "/",
    env: { PATH: process.env.PATH ?? "" },
    detached: true,
    stdio: ["ignore", "ignore", "ignore"],
  });
  await new Promise((resolve) => child.once("spawn", resolve));
  process.kill(-(child.pid as number), "SIGTERM");
  assert.deepEqual(await ended(child), { code: null, signal: "SIGTERM" });
});

test("an idle spawner keeps nothing alive: a process that started one child exits on its own", () => {
  const module = fileURLToPath(
    new URL("../../../../src/adapters/terraform/process-spawner.ts", import.meta.url),
  );
  const script = `import { spawnProcess } from ${JSON.stringify(module)};
const child = spawnProcess("true", [], { cwd: "/", env: { PATH: process.env.PATH }, detached: true, stdio: ["ignore", "ignore", "ignore"] });
child.once("close", (code) => console.log("closed", code));`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 20_000,
  });
  assert.equal(result.error, undefined, "it exited within 20 s");
  assert.equal(result.stdout, "closed 0\n", result.stderr);
  assert.equal(result.status, 0);
});

test("closeSpawner: the spawner exits and is reaped; the next start forks a new one", async () => {
  const start = () =>
    spawnProcess("sleep", ["0.5"], {
      cwd: "/",
      env: { PATH: process.env.PATH ?? "" },
      detached: true,
      stdio: ["ignore", "ignore", "ignore"],
    });
  const first = start();
  await new Promise((resolve) => first.once("spawn", resolve));
  const spawnerPid = Number((await stat(first.pid as number))[1]);
  await ended(first);
  await closeSpawner();
  assert.throws(() => process.kill(spawnerPid, 0), { code: "ESRCH" }, "the spawner is gone");
  const second = start();
  assert.deepEqual(await ended(second), { code: 0, signal: null });
  await closeSpawner();
});

test("a spawner killed while its child runs: the child runs on, and its end is told only once it is gone", async () => {
  const dir = await mkdtemp(join(tmpdir(), "crossform-spawner-"));
  const done = join(dir, "done");
  const child = spawnProcess("sh", ["-c", `sleep 1; touch '${done}'`], {
    cwd: "/",
    env: { PATH: process.env.PATH ?? "" },
    detached: true,
    stdio: ["ignore", "ignore", "ignore"],
  });
  await new Promise((resolve) => child.once("spawn", resolve));
  const spawnerPid = Number((await stat(child.pid as number))[1]);
  process.kill(spawnerPid, "SIGKILL");
  assert.deepEqual(await ended(child), { code: null, signal: null });
  await access(done);
  const next = spawnProcess("true", [], {
    cwd: "/",
    env: { PATH: process.env.PATH ?? "" },
    detached: true,
    stdio: ["ignore", "ignore", "ignore"],
  });
  assert.deepEqual(await ended(next), { code: 0, signal: null }, "a new spawner starts the next");
  await closeSpawner();
  await rm(dir, { recursive: true, force: true });
});

test("closeSpawner awaited at the top level of a process (as the CLI's entry point does) settles: the process exits 0", () => {
  const module = fileURLToPath(
    new URL("../../../../src/adapters/terraform/process-spawner.ts", import.meta.url),
  );
  const script = `import { closeSpawner, spawnProcess } from ${JSON.stringify(module)};
const child = spawnProcess("true", [], { cwd: "/", env: { PATH: process.env.PATH }, detached: true, stdio: ["ignore", "ignore", "ignore"] });
await new Promise((resolve) => child.once("close", resolve));
await closeSpawner();
console.log("closed");`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 20_000,
  });
  assert.equal(result.error, undefined, "it exited within 20 s");
  assert.equal(result.stdout, "closed\n", result.stderr);
  assert.equal(result.status, 0, "not 13, an unsettled top-level await");
});
