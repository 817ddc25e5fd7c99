import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { AtomicFileWriter } from "../../../../src/adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../../../src/adapters/fs/node-file-system.ts";
import { offerGitignore } from "../../../../src/cli/commands/run.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

const adapters = { fs: new NodeFileSystem(), writer: new AtomicFileWriter() };
const answering = (answer: string) => ({ ask: async () => answer });

test("a yes adds .crossform/ to the .gitignore, keeping what was there byte for byte", async () => {
  const dir = await makeTempDir("gitignore-yes");
  await writeFile(join(dir, ".gitignore"), "node_modules/\n# keep\n*.log");
  await offerGitignore(adapters, dir, answering("y"), { stderr: new PassThrough() });
  assert.equal(
    await readFile(join(dir, ".gitignore"), "utf8"),
    "node_modules/\n# keep\n*.log\n.crossform/\n",
  );
});

test("anything but yes changes nothing", async () => {
  const dir = await makeTempDir("gitignore-no");
  await writeFile(join(dir, ".gitignore"), "node_modules/\n");
  await offerGitignore(adapters, dir, answering(""), { stderr: new PassThrough() });
  assert.equal(await readFile(join(dir, ".gitignore"), "utf8"), "node_modules/\n");
});

test("without a .gitignore, a yes creates one", async () => {
  const dir = await makeTempDir("gitignore-new");
  await offerGitignore(adapters, dir, answering("yes"), { stderr: new PassThrough() });
  assert.equal(await readFile(join(dir, ".gitignore"), "utf8"), ".crossform/\n");
});
