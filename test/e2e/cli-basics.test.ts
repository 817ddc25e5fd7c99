import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { runBuiltCli } from "../helpers/cli.ts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

test("crossform --version prints the package version", async () => {
  const result = await runBuiltCli(["--version"]);
  assert.equal(result.code, 0);
  assert.equal(result.stdout.trim(), pkg.version);
});

test("an unknown command exits 2 with an error message", async () => {
  const result = await runBuiltCli(["nosuchcommand"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /error:/);
});
