import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { favoursMemory } from "../../../src/cli/memory-mode.ts";

describe("memory mode", () => {
  it("is on for the commands that run units", () => {
    for (const command of ["plan", "apply", "destroy", "drift", "output"]) {
      assert.equal(favoursMemory([command, "--all"]), true, command);
    }
    assert.equal(favoursMemory(["--debug", "apply", "network"]), true);
  });

  it("is off for every other command, for flags alone and for no arguments", () => {
    for (const argv of [["lint"], ["validate"], ["runs"], ["report", "apply"], ["--version"], []]) {
      assert.equal(favoursMemory(argv), false, argv.join(" "));
    }
  });
});
