import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { createLintSourceReader } from "../../../../src/adapters/hcl/lint-source-reader.ts";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { GENERATED_HEADER } from "../../../../src/core/generate/hcl-writer.ts";
import { lintSourceKind } from "../../../../src/core/lint/file-facts.ts";
import { lintRules } from "../../../../src/core/lint/registry.ts";
import type { LintSourceRequest } from "../../../../src/ports/lint-source-reader.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

test("worker threads and the calling thread read the same facts, in the order asked", async () => {
  const root = await makeTempDir("lint-reader");
  const requests: LintSourceRequest[] = [];
  const add = async (path: string, text: string): Promise<void> => {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
    const kind = lintSourceKind(path.slice(path.lastIndexOf("/") + 1));
    if (kind !== undefined) requests.push({ path: join(root, path), display: path, kind });
  };
  for (let i = 0; i < 40; i += 1) {
    await add(
      `m${i}/main.tf`,
      `provider "aws" {\n  alias = "a${i}"\n}\n\nlocals {\n  id = "7319355628${String(i).padStart(2, "0")}"\n  ws = local.ids[terraform.workspace]\n}\n`,
    );
    await add(`m${i}/broken.tf`, i % 7 === 0 ? 'resource "x" "y" {\n' : "");
  }
  await add("live/terragrunt.hcl", 'terraform {\n  source = "../m1"\n}\n');
  await add("live/prod.s3.tfbackend", 'bucket = "b"\nkey = "k"\n');
  await add("live/crossform_providers.tf", `${GENERATED_HEADER}\nprovider "aws" {}\n`);
  requests.push({ path: join(root, "gone/main.tf"), display: "gone/main.tf", kind: "terraform" });
  const parser = await createTreeSitterHclParser();
  const ids = lintRules.map((rule) => rule.meta.id);
  const inline = await createLintSourceReader(parser, { threads: 1 }).read(requests, ids);
  const threaded = await createLintSourceReader(parser, {
    threads: 3,
    inlineBelow: 2,
    batchSize: 3,
  }).read(requests, ids);
  // Every batch in a worker thread: what crosses the thread boundary is all there is.
  const workersOnly = await createLintSourceReader(parser, {
    threads: 3,
    inlineBelow: 2,
    batchSize: 5,
    callingThreadReads: false,
  }).read(requests, ids);
  assert.equal(inline.length, requests.length);
  assert.deepEqual(threaded, inline);
  assert.deepEqual(workersOnly, inline);
  assert.deepEqual(
    inline.map((read) => (read.kind === "generated" ? read.path : read.file.path)),
    requests.map((request) => request.display),
  );
  const gone = inline[inline.length - 1];
  assert.ok(
    gone?.kind === "terraform" &&
      /cannot read gone\/main\.tf/.test(gone.file.syntaxError?.message ?? ""),
  );
});
