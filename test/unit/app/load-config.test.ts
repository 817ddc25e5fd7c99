/**
 * Loading crossform.yaml on a real file system: `--config` naming something that is not a
 * configuration file is a clear user error before a byte is read (no hang on a FIFO or
 * /dev/zero, no stack trace on a directory); stack directories are checked with their symbolic
 * links followed.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { NodeFileSystem } from "../../../src/adapters/fs/node-file-system.ts";
import { loadConfig } from "../../../src/app/load-config.ts";
import { CrossformError } from "../../../src/core/errors.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const fs = new NodeFileSystem();

/** Asserts that loading with `--config path` throws a user error with this code and message. */
async function refused(
  cwd: string,
  configPath: string,
  code: string,
  message: RegExp,
  hint?: RegExp,
): Promise<void> {
  const started = performance.now();
  await assert.rejects(loadConfig(fs, { cwd, configPath }), (error: unknown) => {
    assert.ok(error instanceof CrossformError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.source, "user");
    assert.match(error.message, message);
    if (hint) assert.match(error.hint ?? "", hint);
    return true;
  });
  assert.ok(performance.now() - started < 5_000, "refused at once, nothing read");
}

test("--config naming a directory, /dev/zero, a FIFO or a huge file: a clear error, at once", async () => {
  const dir = await makeTempDir("load-config");
  await refused(
    dir,
    ".",
    "config/not-a-file",
    /^\. is a directory, not a configuration file$/,
    /--config crossform\.yaml/,
  );
  await refused(
    dir,
    "/dev/zero",
    "config/not-a-file",
    /^\/dev\/zero is a device, not a configuration file$/,
  );
  execFileSync("mkfifo", [join(dir, "fifo")]);
  await refused(
    dir,
    "fifo",
    "config/not-a-file",
    /^fifo is a named pipe \(FIFO\), not a configuration file$/,
  );
  await writeFile(join(dir, "huge.yaml"), "");
  await truncate(join(dir, "huge.yaml"), 40 * 1024 * 1024);
  await refused(
    dir,
    "huge.yaml",
    "config/too-large",
    /^huge\.yaml is 40\.0 MiB, more than the 32 MiB/,
  );
  await refused(dir, "missing.yaml", "config/not-found", /no configuration file at missing\.yaml/);
  // Found by the upward search, a directory named crossform.yaml is refused the same way.
  await mkdir(join(dir, "crossform.yaml"));
  await assert.rejects(loadConfig(fs, { cwd: dir }), { code: "config/not-a-file" });
});

const CONFIG = (paths: Record<string, string>): string =>
  `version: 1\naccounts:\n  dev: { id: "111111111111" }\nstacks:\n${Object.entries(paths)
    .map(([name, path]) => `  ${name}: { path: ${path}, accounts: [dev] }`)
    .join("\n")}\n`;

test("stack directories are checked with symbolic links followed: outside, into .git, two stacks one directory", async () => {
  const root = await makeTempDir("stack-paths");
  const repo = join(root, "repo");
  await mkdir(join(repo, "stacks", "app"), { recursive: true });
  await mkdir(join(repo, ".git", "hooks"), { recursive: true });
  await mkdir(join(root, "elsewhere"), { recursive: true });
  await symlink(join(root, "elsewhere"), join(repo, "stacks", "out"));
  await symlink("../.git/hooks", join(repo, "stacks", "hooks"));
  await symlink("app", join(repo, "stacks", "twin"));
  await symlink(join(root, "elsewhere"), join(repo, "linked-parent"));
  await writeFile(
    join(repo, "crossform.yaml"),
    CONFIG({
      app: "stacks/app",
      out: "stacks/out",
      hooks: "stacks/hooks",
      twin: "stacks/twin",
      deep: "linked-parent/not-yet/created",
      fresh: "stacks/not-yet-created",
    }),
  );
  const loaded = await loadConfig(fs, { cwd: repo });
  assert.equal(loaded.ok, false);
  const found = loaded.ok
    ? []
    : loaded.diagnostics.map((d) => [d.code, d.position?.line, d.message]);
  assert.deepEqual(
    found.map(([code, line]) => [code, line]),
    [
      ["config/path-outside", 6],
      ["config/path-reserved", 7],
      ["config/shared-stack-path", 8],
      ["config/path-outside", 9],
    ],
  );
  assert.match(
    String(found[0]?.[2]),
    /^stack out: path "stacks\/out" leads, through a symbolic link, to ".*\/elsewhere", outside the directory of crossform\.yaml$/,
  );
  assert.match(String(found[1]?.[2]), /^stack hooks: .* inside \.git$/);
  assert.match(String(found[2]?.[2]), /^stacks app and twin are the same directory/);

  // Without the links, the configuration loads.
  await writeFile(join(repo, "crossform.yaml"), CONFIG({ app: "stacks/app", fresh: "stacks/new" }));
  const fine = await loadConfig(fs, { cwd: repo });
  assert.ok(fine.ok, fine.ok ? "" : JSON.stringify(fine.diagnostics));
});
