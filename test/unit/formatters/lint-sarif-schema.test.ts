import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import AjvDraft04 from "ajv-draft-04";
import { formatLintSarif } from "../../../src/formatters/lint-sarif.ts";
import { sampleLintReport } from "../../helpers/lint-report.ts";

// The official SARIF 2.1.0 schema is written in JSON Schema draft-04 (see the fixture's README); one of
// its language-tag patterns is valid only as a non-unicode regular expression, hence unicodeRegExp.
const schema = JSON.parse(
  readFileSync(
    new URL("../../fixtures/lint/sarif/sarif-schema-2.1.0-rtm.5.json", import.meta.url),
    "utf8",
  ),
) as Record<string, unknown>;
// ajv-draft-04 is CommonJS: its class is the default export's `default` under Node's ESM interop.
const Ajv = (AjvDraft04 as unknown as { default: typeof AjvDraft04 }).default ?? AjvDraft04;
const ajv = new (
  Ajv as unknown as new (options: object) => {
    compile(schema: object): { (data: unknown): boolean; errors?: unknown };
  }
)({ allErrors: true, strict: false, unicodeRegExp: false });
const validate = ajv.compile(schema);

function errorsOf(_document: unknown): string {
  return JSON.stringify(validate.errors ?? [], null, 2);
}

test("crossform's SARIF output is valid against the official SARIF 2.1.0 schema", () => {
  const log: unknown = JSON.parse(formatLintSarif(sampleLintReport(), { toolVersion: "0.1.0" }));
  assert.equal(validate(log), true, errorsOf(log));
});

test("the schema check can fail: a result without a message is refused", () => {
  const log = JSON.parse(formatLintSarif(sampleLintReport(), { toolVersion: "0.1.0" })) as {
    runs: { results: Record<string, unknown>[] }[];
  };
  const first = log.runs[0]?.results[0];
  assert.ok(first, "the sample report has findings");
  delete first.message;
  assert.equal(validate(log), false);
});

test("a real lint run's SARIF (the fixture repository, every rule's findings) is valid too", async () => {
  const { PassThrough } = await import("node:stream");
  const { fileURLToPath } = await import("node:url");
  const { runCli } = await import("../../../src/cli/run-cli.ts");
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  const cwd = fileURLToPath(new URL("../../fixtures/lint/repository/", import.meta.url));
  const code = await runCli(["lint", "--format", "sarif"], { stdout, stderr, env: {}, cwd });
  assert.equal(code, 1);
  const log = JSON.parse(out) as { runs: { results: unknown[] }[] };
  assert.ok((log.runs[0]?.results.length ?? 0) > 3, "the fixture repository has findings");
  assert.equal(validate(log), true, errorsOf(log));
});
