import assert from "node:assert/strict";
import { test } from "node:test";
import { formatLintSarif, SARIF_FINGERPRINT_KEY } from "../../../src/formatters/lint-sarif.ts";
import { sampleLintReport } from "../../helpers/lint-report.ts";

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version?: string; rules: { id: string; helpUri?: string }[] } };
    columnKind: string;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> };
      }[];
    }[];
  }[];
}

test("one run, one rules[] entry per rule with its help URI, results with relative POSIX URIs", () => {
  const log = JSON.parse(formatLintSarif(sampleLintReport(), { toolVersion: "0.1.0" })) as SarifLog;
  assert.equal(log.version, "2.1.0");
  const [run] = log.runs;
  assert.ok(run);
  assert.equal(run.tool.driver.name, "crossform");
  assert.equal(run.tool.driver.version, "0.1.0");
  assert.deepEqual(
    run.tool.driver.rules.map((rule) => [rule.id, rule.helpUri]),
    [
      [
        "missing-account-guard",
        "https://github.com/crossform/crossform/blob/main/docs/rules/missing-account-guard.md",
      ],
      [
        "shared-state",
        "https://github.com/crossform/crossform/blob/main/docs/rules/shared-state.md",
      ],
      ["syntax-error", undefined],
    ],
  );
  assert.equal(run.columnKind, "utf16CodeUnits");
  assert.deepEqual(
    run.results.map((result) => [
      result.ruleId,
      result.ruleIndex,
      result.level,
      result.locations[0]?.physicalLocation.artifactLocation.uri,
      result.locations[0]?.physicalLocation.region,
    ]),
    [
      [
        "shared-state",
        1,
        "error",
        "live/b/backend.tf",
        { startLine: 4, startColumn: 5, endLine: 4, endColumn: 31 },
      ],
      [
        "missing-account-guard",
        0,
        "warning",
        "live/b/main.tf",
        { startLine: 1, startColumn: 1, endLine: 1, endColumn: 9 },
      ],
      [
        "syntax-error",
        2,
        "error",
        "modules/my%20app/main.tf",
        { startLine: 2, startColumn: 3, endLine: 3, endColumn: 1 },
      ],
    ],
  );
  assert.equal(
    run.results[1]?.message.text,
    'provider "aws" in live/b does not say which account it may touch. Fix: add `allowed_account_ids`',
  );
});

test("results carry partialFingerprints and URIs relative to %SRCROOT%, the repository root", () => {
  const log = JSON.parse(
    formatLintSarif(sampleLintReport(), { rootUri: "file:///work/repo/" }),
  ) as {
    runs: {
      originalUriBaseIds?: Record<string, { uri: string }>;
      results: {
        partialFingerprints: Record<string, string>;
        locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[];
      }[];
    }[];
  };
  const [run] = log.runs;
  assert.ok(run);
  assert.deepEqual(run.originalUriBaseIds, { "%SRCROOT%": { uri: "file:///work/repo/" } });
  assert.deepEqual(
    run.results.map((result) => [
      result.partialFingerprints[SARIF_FINGERPRINT_KEY],
      result.locations[0]?.physicalLocation.artifactLocation.uriBaseId,
    ]),
    [
      ["0a1b2c3d4e5f6071:0", "%SRCROOT%"],
      ["1a2b3c4d5e6f7081:0", "%SRCROOT%"],
      ["2a3b4c5d6e7f8091:0", "%SRCROOT%"],
    ],
  );
  assert.equal(SARIF_FINGERPRINT_KEY, "crossform/v1");
});
