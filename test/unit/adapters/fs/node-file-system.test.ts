import assert from "node:assert/strict";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { NodeFileSystem } from "../../../../src/adapters/fs/node-file-system.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

test("reads UTF-8 text, turning bytes that are not UTF-8 into U+FFFD", async () => {
  const dir = await makeTempDir("fs");
  await writeFile(join(dir, "main.tf"), Buffer.from([0x61, 0x3d, 0xff, 0xc3, 0xa9]));
  assert.equal(await new NodeFileSystem().readText(join(dir, "main.tf")), "a=\ufffdé");
  await assert.rejects(new NodeFileSystem().readText(join(dir, "missing.tf")), /ENOENT/);
});

test("lists entries sorted by name; links count as their target, dangling links as neither", async () => {
  const dir = await makeTempDir("fs");
  await writeFile(join(dir, "b.tf"), "");
  await mkdir(join(dir, "a-dir"));
  await symlink(join(dir, "a-dir"), join(dir, "c-link-to-dir"));
  await symlink(join(dir, "b.tf"), join(dir, "d-link-to-file.tf"));
  await symlink(join(dir, "nowhere"), join(dir, "e-dangling.tf"));
  const entries = await new NodeFileSystem().listDir(dir);
  assert.deepEqual(entries, [
    { name: "a-dir", isDirectory: true, isFile: false },
    { name: "b.tf", isDirectory: false, isFile: true },
    { name: "c-link-to-dir", isDirectory: true, isFile: false },
    { name: "d-link-to-file.tf", isDirectory: false, isFile: true },
    { name: "e-dangling.tf", isDirectory: false, isFile: false },
  ]);
});

test("exists follows links", async () => {
  const dir = await makeTempDir("fs");
  await symlink(join(dir, "nowhere"), join(dir, "dangling"));
  const fs = new NodeFileSystem();
  assert.equal(await fs.exists(dir), true);
  assert.equal(await fs.exists(join(dir, "dangling")), false);
  assert.equal(await fs.exists(join(dir, "absent")), false);
});

test("readTextsIfPresent: texts in order, undefined for what is missing, a directory refused", async () => {
  const dir = await makeTempDir("fs");
  await writeFile(join(dir, "a.tf"), "a");
  await writeFile(join(dir, "b.tf"), "b");
  await mkdir(join(dir, "sub"));
  const fs = new NodeFileSystem();
  assert.deepEqual(
    await fs.readTextsIfPresent([
      join(dir, "b.tf"),
      join(dir, "missing.tf"),
      join(dir, "a.tf"),
      join(dir, "a.tf", "under-a-file"),
    ]),
    ["b", undefined, "a", undefined],
  );
  await assert.rejects(fs.readTextsIfPresent([join(dir, "sub")]), /EISDIR/);
});
