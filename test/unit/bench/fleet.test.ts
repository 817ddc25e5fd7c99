// A smoke test of the benchmarks' fleet (bench/fleet.ts), so that a bench that takes minutes does
// not fail on its fixture: the configuration it writes loads, with the units and waves it says.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NodeFileSystem } from "../../../src/adapters/fs/node-file-system.ts";
import { loadConfig } from "../../../src/app/load-config.ts";
import { writeFleet } from "../../../bench/fleet.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

test("the benchmark fleet loads: N accounts x M stacks + one multi-account unit, in its waves", async () => {
  const dir = await makeTempDir("bench-fleet");
  const fleet = await writeFleet(dir, { accounts: 8, stacks: 2, multiAccount: true, waves: 4 });
  const loaded = await loadConfig(new NodeFileSystem(), { cwd: dir });
  assert.ok(loaded.ok, loaded.ok ? "" : JSON.stringify(loaded.diagnostics));
  assert.equal(loaded.units.units.length, fleet.units);
  assert.equal(fleet.units, 8 * 2 + 1);
  assert.equal(loaded.config.waves.length, 4);
  assert.deepEqual(
    loaded.units.units.filter((u) => u.stack === "org").map((u) => u.id),
    ["org/a0000/us-east-1"],
  );
});
