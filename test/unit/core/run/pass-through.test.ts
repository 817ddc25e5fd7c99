import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePassThrough } from "../../../../src/core/run/pass-through.ts";

test("allowed flags are normalized to -name=value; -var values are left out of what is shown", () => {
  const parsed = parsePassThrough("plan", [
    "-target=aws_s3_bucket.a",
    "--replace",
    'module.x.aws_iam_role.r["k"]',
    "-var",
    "image=ami-0123456789=x",
    "-parallelism=20",
    "-refresh=false",
  ]);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.args, [
    "-target=aws_s3_bucket.a",
    '-replace=module.x.aws_iam_role.r["k"]',
    "-var=image=ami-0123456789=x",
    "-parallelism=20",
    "-refresh=false",
  ]);
  assert.deepEqual(parsed.value.shown, [
    "-target=aws_s3_bucket.a",
    '-replace=module.x.aws_iam_role.r["k"]',
    "-var=image=…",
    "-parallelism=20",
    "-refresh=false",
  ]);
  assert.deepEqual(parsed.value.vars, { image: "ami-0123456789=x" });
});

test("refused flags name the flag and the reason", () => {
  const cases: [string, readonly string[], RegExp][] = [
    ["plan", ["-state=x"], /^plan -- -state=x: refused: it reads or writes a local state file/],
    ["plan", ["-state-out", "y"], /refused: it writes a local state file/],
    ["apply", ["-lock=false"], /refused: without the state lock/],
    ["plan", ["-lock-timeout=5m"], /crossform passes its own --lock-timeout/],
    ["plan", ["-chdir=..", "-target=a"], /its own working directory/],
    ["plan", ["-backend-config=key=x"], /another account's state/],
    ["plan", ["-var-file=x.tfvars"], /pass single -var=NAME=VALUE instead/],
    [
      "plan",
      ["-var=crossform_role_arn=arn:aws:iam::1:role/x"],
      /crossform_role_arn wires the unit/,
    ],
    ["plan", ["-var", "crossform_region=eu-west-1"], /crossform_region wires the unit/],
    ["plan", ["-var=noequals"], /write -var=NAME=VALUE/],
    ["plan", ["-target"], /it needs a value/],
    ["plan", ["-parallelism=0"], /whole number from 1 to 9999/],
    ["plan", ["-refresh=maybe"], /takes true or false/],
    ["plan", ["-out=p"], /saves each unit's plan/],
    ["plan", ["-destroy"], /use crossform destroy/],
    ["apply", ["-auto-approve"], /--auto-approve and --approve/],
    ["destroy", ["-replace=a.b"], /nothing to replace/],
    ["plan", ["-light"], /not on the allow-list/],
    ["plan", ["stack"], /no positional argument/],
  ];
  for (const [command, words, message] of cases) {
    const parsed = parsePassThrough(command as "plan", words);
    assert.equal(parsed.ok, false, words.join(" "));
    if (!parsed.ok) {
      assert.match(parsed.refusal.message, message, words.join(" "));
      assert.match(parsed.refusal.hint, /allowed after --: -target=ADDR/);
    }
  }
});

test("no words, no flags", () => {
  const parsed = parsePassThrough("apply", []);
  assert.deepEqual(parsed, { ok: true, value: { args: [], shown: [], vars: {} } });
});
