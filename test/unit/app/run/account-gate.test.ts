import assert from "node:assert/strict";
import { test } from "node:test";
import { AccountGate, accountsInRunOrder } from "../../../../src/app/run/account-gate.ts";
import type { AccountVerification } from "../../../../src/app/verify.ts";
import { readConfigText } from "../../../../src/core/config/read-config.ts";

const read = readConfigText(
  `version: 1
base: { region: us-east-1 }
defaults: { role: TerraformDeploy, regions: [us-east-1] }
state: { bucket: "tfstate-{account_id}", key: "{stack}/terraform.tfstate" }
accounts:
  shared: { id: "444444444444" }
  prod: { id: "333333333333" }
  dev: { id: "111111111111" }
stacks:
  app: { path: stacks/app, accounts: [prod, dev], references: { shared: shared } }
waves: [[dev], [prod], [shared]]
`,
  "crossform.yaml",
);
assert.ok(read.ok, JSON.stringify(read.ok ? "" : read.diagnostics));
const { config, units } = read;
const unit = (id: string) => units.units.find((u) => u.id === id) as (typeof units.units)[number];

function verified(name: string, ok: boolean): AccountVerification {
  const id = config.accounts.get(name)?.id ?? "";
  return {
    name,
    id,
    roleArn: `arn:aws:iam::${id}:role/TerraformDeploy`,
    regions: ["us-east-1"],
    status: ok ? "ok" : "failed",
    identity: ok
      ? { status: "ok", regions: [] }
      : {
          status: "failed",
          regions: [],
          problem: { code: "aws/access-denied", message: "AccessDenied: not allowed" },
        },
    state: [],
    ok,
  };
}

test("the accounts in the order their units start: the first wave's units first, references after", () => {
  assert.deepEqual(accountsInRunOrder(config, units.units), ["dev", "shared", "prod"]);
});

test("a unit waits for each account it reaches; one failed account refuses it, naming the account", async () => {
  const gate = new AccountGate(config, ["dev", "shared", "prod"]);
  let answered: string | undefined | null = null;
  void gate.refusal(unit("app/dev/us-east-1")).then((r) => (answered = r));
  gate.verified(verified("dev", true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(answered, null, "still waiting for shared, which app references");
  gate.verified(verified("shared", true));
  gate.verified(verified("prod", false));
  assert.equal(await gate.refusal(unit("app/dev/us-east-1")), undefined);
  assert.equal(answered, undefined);
  assert.equal(
    await gate.refusal(unit("app/prod/us-east-1")),
    "account prod (333333333333) failed verification: AccessDenied: not allowed; no terraform ran for this unit",
  );
});

test("a verification that ended without a verdict refuses the units still waiting", async () => {
  const gate = new AccountGate(config, ["dev", "shared", "prod"]);
  gate.verified(verified("dev", true));
  gate.abandon("internal error");
  assert.match(
    (await gate.refusal(unit("app/dev/us-east-1"))) ?? "",
    /^account shared could not be verified \(internal error\)/,
  );
});
