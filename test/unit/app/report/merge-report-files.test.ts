import assert from "node:assert/strict";
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { NodeFileSystem } from "../../../../src/adapters/fs/node-file-system.ts";
import { mergeReportFiles } from "../../../../src/app/report/merge-report-files.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

const PLAN = fileURLToPath(
  new URL("../../../fixtures/report/plan-mixed/report.json", import.meta.url),
);
const fs = new NodeFileSystem();

test("with onMissing, a missing file is a shard that ran nothing: the others merge, and each missing file is told", async () => {
  const dir = await makeTempDir("merge-report-files");
  await copyFile(PLAN, join(dir, "shard-1.json"));
  const missing: string[] = [];
  const report = await mergeReportFiles(
    fs,
    [join(dir, "shard-1.json"), join(dir, "shard-2.json")],
    { onMissing: (path) => missing.push(path) },
  );
  assert.deepEqual(missing, [join(dir, "shard-2.json")]);
  const alone = await mergeReportFiles(fs, [join(dir, "shard-1.json")]);
  assert.deepEqual(report.units, alone.units);
});

test("without onMissing a missing file is an error; with it, no file at all is one too", async () => {
  const dir = await makeTempDir("merge-report-files");
  await assert.rejects(mergeReportFiles(fs, [join(dir, "a.json")]), (error: unknown) => {
    assert.ok(error instanceof CrossformError);
    assert.equal(error.code, "report/missing-file");
    return true;
  });
  await assert.rejects(
    mergeReportFiles(fs, [join(dir, "a.json"), join(dir, "b.json")], { onMissing: () => {} }),
    (error: unknown) => {
      assert.ok(error instanceof CrossformError);
      assert.equal(error.code, "report/nothing-to-merge");
      assert.match(error.message, /none of the 2 named files exists/);
      return true;
    },
  );
});
