import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { NodeFileSystem } from "../../../../src/adapters/fs/node-file-system.ts";
import { gitCommit, gitignoreCoversCrossform } from "../../../../src/app/run/repository-info.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

describe("repository-info", { concurrency: true }, () => {
  const fs = new NodeFileSystem();
  const SHA = "89abcdef0123456789abcdef0123456789abcdef";

  test("gitCommit follows HEAD to a loose ref, from a directory below the root", async () => {
    const root = await makeTempDir("git-ref");
    await mkdir(join(root, ".git/refs/heads"), { recursive: true });
    await mkdir(join(root, "infra"));
    await writeFile(join(root, ".git/HEAD"), "ref: refs/heads/main\n");
    await writeFile(join(root, ".git/refs/heads/main"), `${SHA}\n`);
    assert.equal(await gitCommit(fs, join(root, "infra")), SHA);
  });

  test("gitCommit reads packed-refs when the ref is not loose", async () => {
    const root = await makeTempDir("git-packed");
    await mkdir(join(root, ".git"));
    await writeFile(join(root, ".git/HEAD"), "ref: refs/heads/release\n");
    await writeFile(
      join(root, ".git/packed-refs"),
      `# pack-refs with: peeled fully-peeled sorted\n${"1".repeat(40)} refs/heads/main\n${SHA} refs/heads/release\n`,
    );
    assert.equal(await gitCommit(fs, root), SHA);
  });

  test("gitCommit of a detached HEAD is its hash; outside git, or with an unknown ref, undefined", async () => {
    const root = await makeTempDir("git-detached");
    await mkdir(join(root, ".git"));
    await writeFile(join(root, ".git/HEAD"), `${SHA}\n`);
    assert.equal(await gitCommit(fs, root), SHA);
    const outside = await makeTempDir("no-git");
    assert.equal(await gitCommit(fs, outside), undefined);
    await writeFile(join(root, ".git/HEAD"), "ref: refs/heads/gone\n");
    assert.equal(await gitCommit(fs, root), undefined);
  });

  test("gitignoreCoversCrossform reads the .gitignore files up to the root as git does", async () => {
    const root = await makeTempDir("gitignore");
    const config = join(root, "infra");
    await mkdir(join(root, ".git"));
    await mkdir(config);
    assert.equal(await gitignoreCoversCrossform(fs, config), false);
    // Anchored to the root: root/.crossform, not root/infra/.crossform.
    await writeFile(join(root, ".gitignore"), "dist\r\n/.crossform\r\n");
    assert.equal(await gitignoreCoversCrossform(fs, config), false);
    await writeFile(join(root, ".gitignore"), "dist\r\n.crossform/\r\n");
    assert.equal(await gitignoreCoversCrossform(fs, config), true);
    await writeFile(join(root, ".gitignore"), "/infra/.crossform/*\n");
    assert.equal(await gitignoreCoversCrossform(fs, config), true);
    await writeFile(join(root, ".gitignore"), "# .crossform/\n.crossform-old/\n");
    assert.equal(await gitignoreCoversCrossform(fs, config), false);
    await writeFile(join(config, ".gitignore"), ".crossform/*\n");
    assert.equal(await gitignoreCoversCrossform(fs, config), true);
    // The deepest file that speaks of it decides.
    await writeFile(join(root, ".gitignore"), ".crossform/\n");
    await writeFile(join(config, ".gitignore"), "!.crossform/\n");
    assert.equal(await gitignoreCoversCrossform(fs, config), false);
    assert.equal(await gitignoreCoversCrossform(fs, await makeTempDir("no-git")), true);
  });
});
