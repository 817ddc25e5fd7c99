/**
 * Stage 1 of a run, selection: no terraform and no AWS are involved (the stage gets neither).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NodeFileSystem } from "../../../../src/adapters/fs/node-file-system.ts";
import { selectStage } from "../../../../src/app/run/select-stage.ts";
import type { RunOptions } from "../../../../src/app/run/run-types.ts";
import { isStop } from "../../../../src/app/run/stop.ts";
import type { Stop } from "../../../../src/app/run/stop.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import { unitsOfShard } from "../../../../src/core/units/shard.ts";
import { FakeGitStatus } from "../../../helpers/fake-git-status.ts";
import { ALL_UNITS, fixture, options, parser } from "../../../helpers/run-harness.ts";

async function select(overrides: Partial<RunOptions>, git = new FakeGitStatus()) {
  const loaded = await fixture();
  const result = await selectStage(
    { fs: new NodeFileSystem(), parser, git },
    loaded,
    options(overrides),
  );
  return { loaded, result, git };
}

function ids(result: Awaited<ReturnType<typeof selectStage>>): string[] {
  assert.ok(!isStop(result), JSON.stringify(result));
  return result.units.map((u) => u.id).sort();
}

function refusal(result: Awaited<ReturnType<typeof selectStage>>): Stop {
  assert.ok(isStop(result), "expected a stop");
  return result;
}

describe("select stage", { concurrency: true }, () => {
  test("apply or destroy without a selection or --all: bad input naming what to pass", async () => {
    const apply = refusal((await select({ command: "apply" })).result);
    assert.equal(apply.exit, "bad-input");
    assert.equal(apply.diagnostics[0]?.code, "run/selection-required");
    assert.match(apply.diagnostics[0]?.message ?? "", /^apply needs a selection or --all$/);
    const destroy = refusal((await select({ command: "destroy", allowDestroy: true })).result);
    assert.equal(destroy.diagnostics[0]?.code, "run/selection-required");
    assert.deepEqual(ids((await select({ command: "plan" })).result), [...ALL_UNITS].sort());
  });

  test("destroy needs --allow-destroy even with a selection", async () => {
    const refused = refusal((await select({ command: "destroy", all: true })).result);
    assert.equal(refused.exit, "bad-input");
    assert.equal(refused.diagnostics[0]?.code, "run/destroy-not-allowed");
  });

  test("destroy of units that unselected units depend on is refused, naming each and how to take them along", async () => {
    const refused = refusal(
      (
        await select({
          command: "destroy",
          allowDestroy: true,
          stacks: ["network"],
          targets: ["dev"],
        })
      ).result,
    );
    assert.equal(refused.exit, "bad-input");
    assert.deepEqual(refused.diagnostics, [
      {
        severity: "error",
        code: "run/destroy-dependents",
        message:
          "destroy would remove what units outside the selection depend on: network/dev/us-east-1 (read by app/dev/us-east-1, web/dev/us-east-1); nothing was destroyed",
        hint: "destroy their dependents in the same run (they go first): add the stacks app web to the arguments, or --target app/dev/us-east-1,web/dev/us-east-1",
      },
    ]);
    // Dependents selected too, or nothing depending on the selection: the destroy goes ahead.
    assert.deepEqual(
      ids((await select({ command: "destroy", allowDestroy: true, targets: ["dev"] })).result),
      ["app/dev/us-east-1", "network/dev/us-east-1", "web/dev/us-east-1"],
    );
    assert.deepEqual(
      ids((await select({ command: "destroy", allowDestroy: true, stacks: ["web"] })).result),
      ["web/dev/us-east-1"],
    );
    // Other commands do not care.
    assert.deepEqual(ids((await select({ command: "plan", stacks: ["network"] })).result), [
      "network/dev/us-east-1",
      "network/prod/us-east-1",
    ]);
  });

  test("--wave counts as a selection for apply and keeps that wave's units only", async () => {
    const first = ids((await select({ command: "apply", wave: "1" })).result);
    assert.deepEqual(first, ["app/dev/us-east-1", "network/dev/us-east-1", "web/dev/us-east-1"]);
    assert.deepEqual(ids((await select({ wave: "prod" })).result), [
      "app/prod/us-east-1",
      "network/prod/us-east-1",
    ]);
  });

  test("an unknown wave is bad input listing the waves", async () => {
    const refused = refusal((await select({ wave: "3" })).result);
    assert.equal(refused.exit, "bad-input");
    assert.equal(refused.diagnostics[0]?.code, "run/unknown-wave");
    assert.equal(refused.diagnostics[0]?.message, "--wave 3: there are 2 waves");
    assert.equal(refused.diagnostics[0]?.hint, "waves: 1 (dev), 2 (prod)");
  });

  test("shards of one n split the selection; an empty shard ends the run with exit ok and a warning", async () => {
    const count = 5;
    const seen: string[] = [];
    let empty = 0;
    for (let index = 1; index <= count; index += 1) {
      const { loaded, result } = await select({ shard: { index, count } });
      const expected = unitsOfShard(loaded.units.units, { index, count }).map((u) => u.id);
      if (expected.length === 0) {
        empty += 1;
        const stopped = refusal(result);
        assert.equal(stopped.exit, "ok");
        assert.deepEqual(
          stopped.diagnostics.map((d) => [d.severity, d.code, d.message]),
          [
            [
              "warning",
              "run/nothing-selected",
              `shard ${index}/${count} holds none of the selected units: nothing to plan`,
            ],
          ],
        );
        continue;
      }
      assert.deepEqual(ids(result), [...expected].sort());
      seen.push(...expected);
    }
    assert.deepEqual(seen.sort(), [...ALL_UNITS].sort());
    // Two account/region groups over five shards: at least three shards are empty.
    assert.ok(empty >= 3, `${empty} empty shards`);
  });

  test("--changed-since keeps the changed units; an unknown ref is bad input; nothing changed ends with ok", async () => {
    const git = new FakeGitStatus();
    const { loaded } = await select({});
    git.changed = [`${loaded.dir}/stacks/app/targets/dev.tfvars.json`];
    const changed = await selectStage(
      { fs: new NodeFileSystem(), parser, git },
      loaded,
      options({ changedSince: "main" }),
    );
    assert.deepEqual(ids(changed), ["app/dev/us-east-1"]);
    git.changed = [];
    const none = refusal(
      await selectStage(
        { fs: new NodeFileSystem(), parser, git },
        loaded,
        options({ changedSince: "main" }),
      ),
    );
    assert.equal(none.exit, "ok");
    assert.equal(none.diagnostics[0]?.code, "run/nothing-changed");
    git.changedSince = async () => {
      throw new CrossformError("git/unknown-ref", "user", "unknown git ref nope", { hint: "h" });
    };
    const unknown = refusal(
      await selectStage(
        { fs: new NodeFileSystem(), parser, git },
        loaded,
        options({ changedSince: "nope" }),
      ),
    );
    assert.equal(unknown.exit, "bad-input");
    assert.equal(unknown.diagnostics[0]?.code, "git/unknown-ref");
  });

  test("apply --run of a run that was never recorded is bad input naming the run", async () => {
    const refused = refusal(
      (await select({ command: "apply", fromRun: "20260101-000000-none" })).result,
    );
    assert.equal(refused.exit, "bad-input");
    assert.equal(refused.diagnostics[0]?.code, "run/unknown-run");
    assert.match(refused.diagnostics[0]?.message ?? "", /no recorded run 20260101-000000-none/);
  });
});
