import assert from "node:assert/strict";
import { test } from "node:test";
import { execArgs, parseExecRequest } from "../../../../src/core/run/exec-request.ts";
import type { ExecRequest } from "../../../../src/core/run/exec-request.ts";

function parsed(words: string[]): ExecRequest {
  const result = parseExecRequest(words);
  assert.ok(result.ok, result.ok ? "" : result.refusal.message);
  return result.request;
}

test("each known subcommand has its kind", () => {
  const kinds = [
    ["state list", "read-only"],
    ["state show a.b", "read-only"],
    ["output -json", "read-only"],
    ["providers", "read-only"],
    ["providers schema -json", "read-only"],
    ["show -json", "read-only"],
    ["validate", "read-only"],
    ["graph", "read-only"],
    ["import a.b id", "state-changing"],
    ["state mv a.b a.c", "state-changing"],
    ["state rm a.b", "state-changing"],
    ["state push x.tfstate", "state-changing"],
    ["state replace-provider a b", "state-changing"],
    ["force-unlock 1234", "state-changing"],
    ["taint a.b", "state-changing"],
    ["untaint a.b", "state-changing"],
    ["console", "interactive"],
  ];
  for (const [words, kind] of kinds) {
    assert.equal(parsed((words as string).split(" ")).kind, kind, words);
  }
});

test("crossform adds the unit's variables and lock timeout where terraform takes them, before the operator's words", () => {
  const options = {
    varFile: "/repo/stacks/net/targets/dev.tfvars.json",
    vars: { crossform_session_name: "crossform-e2e" },
    lockTimeoutSeconds: 30,
  };
  assert.deepEqual(execArgs(parsed(["import", "aws_s3_bucket.a", "bucket-a"]), options), [
    "import",
    "-input=false",
    "-no-color",
    "-var-file=/repo/stacks/net/targets/dev.tfvars.json",
    "-var=crossform_session_name=crossform-e2e",
    "-lock-timeout=30s",
    "aws_s3_bucket.a",
    "bucket-a",
  ]);
  assert.deepEqual(execArgs(parsed(["state", "list", "-id=x"]), options), [
    "state",
    "list",
    "-id=x",
  ]);
  assert.deepEqual(execArgs(parsed(["force-unlock", "abc"]), options), [
    "force-unlock",
    "-force",
    "abc",
  ]);
  assert.deepEqual(execArgs(parsed(["console"]), options), [
    "console",
    "-var-file=/repo/stacks/net/targets/dev.tfvars.json",
    "-var=crossform_session_name=crossform-e2e",
  ]);
});

test("what the records show leaves -var values out", () => {
  const request = parsed(["import", "-var", "db_password=hunter2hunter2", "a.b", "id"]);
  assert.deepEqual(request.shown, ["import", "-var=db_password=…", "a.b", "id"]);
  assert.deepEqual(request.vars, { db_password: "hunter2hunter2" });
  assert.equal(parsed(["state", "show", "a.b"]).printsValues, true);
  assert.equal(parsed(["state", "list"]).printsValues, false);
});

test("refused subcommands and flags say why; unknown subcommands are refused", () => {
  const cases: [string[], RegExp][] = [
    [[], /exec needs a terraform subcommand after --/],
    [["plan"], /^exec -- plan: refused: use crossform plan/],
    [["apply", "-auto-approve"], /use crossform apply/],
    [["destroy"], /use crossform destroy/],
    [["init", "-upgrade"], /initialises each unit itself/],
    [["workspace", "select", "prod"], /one state per unit/],
    [["state", "pull"], /sensitive values in clear/],
    [["providers", "lock"], /rewrites the stack's .terraform.lock.hcl/],
    [["state"], /^exec -- state: not a subcommand crossform exec runs in units/],
    [["state", "frob"], /^exec -- state: not a subcommand/],
    [["plugh"], /^exec -- plugh: not a subcommand crossform exec runs in units/],
    [["-chdir=x", "state", "list"], /refused: each unit runs in its own working directory/],
    [["-help"], /the terraform subcommand comes first after --/],
    [["state", "rm", "-state=x.tfstate", "a.b"], /refused: it reads or writes a local state file/],
    [["state", "rm", "-backup=b", "a.b"], /refused: it writes a copy of the state/],
    [["state", "mv", "-lock=false", "a", "b"], /refused: without the state lock/],
    [["import", "-var-file=prod.tfvars", "a", "b"], /refused: a variables file can set/],
    [["import", "-var=crossform_account_id=1", "a", "b"], /crossform_account_id wires the unit/],
    [["console", "-var", "crossform_role_arn=x"], /crossform_role_arn wires the unit/],
    [["import", "-config=/elsewhere", "a", "b"], /loads another configuration directory/],
  ];
  for (const [words, message] of cases) {
    const result = parseExecRequest(words);
    assert.equal(result.ok, false, words.join(" "));
    if (!result.ok) assert.match(result.refusal.message, message, words.join(" "));
  }
});
