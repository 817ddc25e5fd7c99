import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import {
  fnv1a32,
  parseShard,
  resolveWave,
  shardOf,
  unitsOfShard,
} from "../../../../src/core/units/shard.ts";
import type { Unit } from "../../../../src/core/units/units.ts";
import {
  selectVerifyTargets,
  verifySelectionOfShard,
} from "../../../../src/core/identity/verify-selection.ts";

/** A fleet of `accounts` accounts, two regions each, three stacks (app depends on network). */
function fleet(accounts: number) {
  const names = Array.from({ length: accounts }, (_, i) => `a${String(i).padStart(3, "0")}`);
  const text = [
    "version: 1",
    "accounts:",
    ...names.map(
      (n, i) =>
        `  ${n}: { id: "${String(100000000000 + i)}", tier: ${i % 3 === 0 ? "prod" : "dev"}, regions: [us-east-1, eu-west-1] }`,
    ),
    '  lonely: { id: "999999999999", tier: dev }',
    "stacks:",
    `  network: { path: stacks/network, accounts: [${names.join(", ")}] }`,
    `  app: { path: stacks/app, accounts: [${names.join(", ")}], depends_on: [network] }`,
    `  dns: { path: stacks/dns, accounts: [${names.join(", ")}] }`,
    "waves:",
    '  - ["tier:dev"]',
    '  - { name: prod, select: ["tier:prod"] }',
    "",
  ].join("\n");
  const read = readConfigText(text, "crossform.yaml");
  assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics, null, 2));
  return read;
}

describe("--shard", () => {
  test("parses i/n, 1-based, and refuses anything else with the reason", () => {
    assert.deepEqual(parseShard("2/4"), { ok: true, shard: { index: 2, count: 4 } });
    assert.deepEqual(parseShard("1/1"), { ok: true, shard: { index: 1, count: 1 } });
    for (const [text, why] of [
      ["0/4", /i must be from 1 to 4/],
      ["5/4", /i must be from 1 to 4/],
      ["1/0", /n must be from 1 to 1000/],
      ["1/1001", /n must be from 1 to 1000/],
      ["2", /is not i\/n/],
      ["a/b", /is not i\/n/],
      ["-1/3", /is not i\/n/],
    ] as const) {
      const parsed = parseShard(text);
      assert.equal(parsed.ok, false, text);
      if (!parsed.ok) assert.match(parsed.error, why, text);
    }
  });

  test("the hash is 32-bit FNV-1a over UTF-8 (published test vectors)", () => {
    assert.equal(fnv1a32(""), 0x811c9dc5);
    assert.equal(fnv1a32("a"), 0xe40c292c);
    assert.equal(fnv1a32("foobar"), 0xbf9cf968);
    // Fixed values: a change to the function moves every unit of every user's CI to other shards.
    assert.equal(
      shardOf({ account: "prod", region: "us-east-1" }, 4),
      (fnv1a32("prod/us-east-1") % 4) + 1,
    );
    assert.equal(fnv1a32("prod/us-east-1"), 0x23fd2c93);
    assert.equal(shardOf({ account: "prod", region: "us-east-1" }, 7), 4);
    assert.equal(shardOf({ account: "dev", region: "eu-west-1" }, 7), 1);
  });

  test("the shards of n split the units: every unit in exactly one, roughly evenly", () => {
    const { units } = fleet(100).units;
    for (const count of [1, 2, 4, 7]) {
      const parts = Array.from({ length: count }, (_, i) =>
        unitsOfShard(units, { index: i + 1, count }),
      );
      const seen = parts.flat().map((u) => u.id);
      assert.equal(seen.length, units.length, `n=${count}`);
      assert.equal(new Set(seen).size, units.length, `n=${count}`);
      // 600 units in 200 account/region groups: no shard below half or above twice its share.
      for (const part of parts) {
        assert.ok(part.length > units.length / count / 2, `n=${count}: ${part.length}`);
        assert.ok(part.length < (units.length / count) * 2, `n=${count}: ${part.length}`);
      }
    }
  });

  test("adding accounts and stacks moves no existing unit to another shard", () => {
    const before = fleet(40).units.units;
    const after = fleet(90).units.units;
    const shardById = (units: Unit[], count: number) =>
      new Map(units.map((u) => [u.id, shardOf(u, count)]));
    for (const count of [3, 8]) {
      const old = shardById(before, count);
      const now = shardById(after, count);
      for (const [id, shard] of old) assert.equal(now.get(id), shard, `${id} n=${count}`);
    }
  });

  test("a unit's same-account dependencies are in its shard", () => {
    const { units, byId } = fleet(60).units;
    let checked = 0;
    for (const count of [2, 5, 16]) {
      for (const unit of units) {
        for (const dep of unit.dependsOn) {
          assert.equal(
            shardOf(byId.get(dep)!, count),
            shardOf(unit, count),
            `${unit.id} -> ${dep}`,
          );
          checked += 1;
        }
      }
    }
    assert.ok(checked >= 360, `only ${checked} dependencies checked`);
  });
});

describe("--wave", () => {
  const { config } = fleet(3);

  test("names a wave by 1-based number or by name", () => {
    assert.deepEqual(resolveWave(config, "1"), { ok: true, index: 0 });
    assert.deepEqual(resolveWave(config, "2"), { ok: true, index: 1 });
    assert.deepEqual(resolveWave(config, "prod"), { ok: true, index: 1 });
    assert.deepEqual(resolveWave(config, "tier:dev"), { ok: true, index: 0 });
  });

  test("refuses a number out of range or an unknown name, listing the waves", () => {
    for (const text of ["0", "3", "staging"]) {
      const resolved = resolveWave(config, text);
      assert.equal(resolved.ok, false, text);
      if (!resolved.ok) assert.equal(resolved.hint, "waves: 1 (tier:dev), 2 (prod)");
    }
  });
});

describe("verify --shard", () => {
  test("each shard verifies the accounts its units deploy to; an account without units is in exactly one shard", () => {
    const { config, units } = fleet(30);
    const selection = selectVerifyTargets(config, units, {});
    assert.ok(selection.ok);
    const count = 4;
    const shards = Array.from({ length: count }, (_, i) =>
      verifySelectionOfShard(config, selection, { index: i + 1, count }),
    );
    for (const [i, shard] of shards.entries()) {
      assert.deepEqual(
        shard.units.map((u) => u.id),
        unitsOfShard(selection.units, { index: i + 1, count }).map((u) => u.id),
      );
      const deployed = new Set(shard.units.map((u) => u.account));
      for (const account of shard.accounts) {
        assert.ok(deployed.has(account) || account === "lonely", `${account} in shard ${i + 1}`);
      }
      for (const account of deployed) assert.ok(shard.accounts.includes(account));
    }
    assert.deepEqual(
      [...new Set(shards.flatMap((s) => s.accounts))].sort(),
      [...selection.accounts].sort(),
    );
    assert.equal(shards.filter((s) => s.accounts.includes("lonely")).length, 1);
  });
});
