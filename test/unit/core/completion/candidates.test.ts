import assert from "node:assert/strict";
import { test } from "node:test";
import { completeWords } from "../../../../src/core/completion/candidates.ts";
import type { CommandSpec, CompletionCatalog } from "../../../../src/core/completion/candidates.ts";

const common = [
  { names: ["-c", "--config"], takesValue: true },
  { names: ["-C", "--chdir"], takesValue: true },
  { names: ["--format"], takesValue: true, choices: ["pretty", "json"] },
];
const COMMANDS: CommandSpec[] = [
  {
    name: "plan",
    flags: [
      { names: ["-t", "--target"], takesValue: true },
      { names: ["--wave"], takesValue: true },
      { names: ["--all"], takesValue: false },
      { names: ["--report"], takesValue: true },
      ...common,
    ],
    subcommands: [],
  },
  {
    name: "apply",
    flags: [{ names: ["--approve"], takesValue: true }, ...common],
    subcommands: [],
  },
  { name: "verify", flags: common, subcommands: [] },
  { name: "explain", flags: common, subcommands: [] },
  { name: "ci", flags: common, argumentChoices: ["github", "gitlab"], subcommands: [] },
  {
    name: "runs",
    flags: common,
    subcommands: [
      { name: "prune", flags: [{ names: ["--keep"], takesValue: true }], subcommands: [] },
    ],
  },
];
const CATALOG: CompletionCatalog = {
  stacks: ["network", "app"],
  accounts: ["dev", "prod"],
  approvalAccounts: ["prod"],
  tiers: ["dev", "prod"],
  tags: ["team=pay"],
  units: ["network/dev/us-east-1", "app/dev/us-east-1"],
  waves: ["1", "tier:dev"],
  runs: ["20261202-120000-bbbbbb", "20261201-120000-aaaaaa"],
};
const words = (...typed: string[]) => {
  const result = completeWords(COMMANDS, typed, CATALOG);
  return result.kind === "words" ? result.words : result.kind;
};

test("command names, then a command's flags", () => {
  assert.deepEqual(words(""), ["plan", "apply", "verify", "explain", "ci", "runs"]);
  assert.deepEqual(words("ex"), ["explain"]);
  assert.deepEqual(words("plan", "--w"), ["--wave"]);
  assert.deepEqual(words("plan", "-"), [
    "-t",
    "--target",
    "--wave",
    "--all",
    "--report",
    "-c",
    "--config",
    "-C",
    "--chdir",
    "--format",
  ]);
  assert.deepEqual(words("nope", ""), []);
});

test("each argument by what the command takes: stacks, selectors, unit ids, runs, choices", () => {
  assert.deepEqual(words("plan", ""), ["network", "app"]);
  assert.deepEqual(words("plan", "network", "--all", "a"), ["app"]);
  assert.deepEqual(words("verify", "tier:"), ["tier:dev", "tier:prod"]);
  assert.deepEqual(words("explain", "app/"), ["app/dev/us-east-1"]);
  assert.deepEqual(words("ci", ""), ["github", "gitlab"]);
  assert.deepEqual(words("runs", ""), [
    "prune",
    "20261202-120000-bbbbbb",
    "20261201-120000-aaaaaa",
  ]);
  assert.deepEqual(words("runs", "prune", "--"), ["--keep"]);
});

test("flag values: selectors with comma lists, approval accounts, waves, choices, files and directories", () => {
  assert.deepEqual(words("plan", "-t", ""), [
    "dev",
    "prod",
    "tier:dev",
    "tier:prod",
    "tag:team=pay",
    "stack:network",
    "stack:app",
    "network/dev/us-east-1",
    "app/dev/us-east-1",
  ]);
  assert.deepEqual(words("plan", "--target", "dev,s"), ["dev,stack:network", "dev,stack:app"]);
  assert.deepEqual(words("plan", "--target=tag"), ["--target=tag:team=pay"]);
  assert.deepEqual(words("apply", "--approve", ""), ["prod"]);
  assert.deepEqual(words("plan", "--wave", ""), ["1", "tier:dev"]);
  assert.deepEqual(words("plan", "--format", "j"), ["json"]);
  assert.equal(words("plan", "-c", "cro"), "files");
  assert.equal(words("plan", "--report", ""), "files");
  assert.equal(words("plan", "-C", ""), "directories");
  // After a flag's value, arguments again.
  assert.deepEqual(words("plan", "-t", "dev", "n"), ["network"]);
});
