/**
 * The run's secrets on in-memory terraform: the values of sensitive variables (from the unit's
 * tfvars, the stack's auto-loaded tfvars, TF_VAR_* and defaults) reach every command of the unit,
 * and of the units that depend on it, as `redact` before the command starts; what a plan shows
 * to be sensitive is redacted from the apply after it; nothing crossform writes (report,
 * journal, summary, logs, progress, diagnostics) holds a secret; a value too short to redact is
 * named, never shown.
 */
import assert from "node:assert/strict";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { LoadedConfig } from "../../../../src/app/load-config.ts";
import { runCommand } from "../../../../src/app/run/run-command.ts";
import { SENSITIVE_VALUE } from "../../../helpers/fake-terraform-runner.ts";
import {
  APP_DEV,
  APP_PROD,
  NETWORK_DEV,
  WEB_DEV,
  fixture,
  harness,
  loadAndGenerate,
  on,
  options,
  script,
} from "../../../helpers/run-harness.ts";

const FROM_TFVARS = "tfvars-db-password-0001";
const FROM_DEFAULT = "default-api-key-0002";
const FROM_ENV = "environment-token-0003";
const FROM_AUTO = "auto-tfvars-secret-0004";
const SECRETS = [FROM_TFVARS, FROM_DEFAULT, FROM_ENV, FROM_AUTO];

/** The harness's fixture with sensitive variables in stack app, their values in four places. */
async function sensitiveFixture(options: { shortValue?: boolean } = {}): Promise<LoadedConfig> {
  const base = await fixture();
  const dir = base.dir;
  const config = await readFile(join(dir, "crossform.yaml"), "utf8");
  await writeFile(
    join(dir, "crossform.yaml"),
    config.replace(
      "app: { path: stacks/app, accounts: [dev, prod], depends_on: [network] }",
      `app: { path: stacks/app, accounts: [dev, prod], depends_on: [network], vars: { db_password: "${options.shortValue ? "pin42" : FROM_TFVARS}", region_name: "not-a-secret-value" } }`,
    ),
  );
  await writeFile(
    join(dir, "stacks", "app", "variables.tf"),
    [
      'variable "db_password" {\n  type      = string\n  sensitive = true\n}',
      `variable "api_key" {\n  type      = string\n  sensitive = true\n  default   = "${FROM_DEFAULT}"\n}`,
      'variable "token" {\n  type      = string\n  sensitive = true\n  default   = null\n}',
      'variable "auto_secret" {\n  type      = string\n  sensitive = true\n  default   = null\n}',
      'variable "region_name" {\n  type = string\n}',
      "",
    ].join("\n\n"),
  );
  await writeFile(
    join(dir, "stacks", "app", "secrets.auto.tfvars"),
    `auto_secret = "${FROM_AUTO}"\n`,
  );
  return (await loadAndGenerate(dir)).loaded;
}

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const environment = { TF_VAR_token: FROM_ENV, TF_VAR_unrelated: "unrelated-value-0005" };

test("every command of a unit redacts its sensitive variables' values, from each source, before it starts; so do its dependents", async () => {
  const loaded = await sensitiveFixture();
  const h = await harness({ loaded });
  const result = await runCommand(h.deps, h.loaded, options({ command: "plan", environment }));
  assert.equal(result.exit, "ok", JSON.stringify(result.diagnostics));
  for (const call of h.runner.calls.filter((c) => c.unit === APP_DEV || c.unit === APP_PROD)) {
    for (const secret of SECRETS)
      assert.ok(call.redact.includes(secret), `${call.unit} ${call.command} redacts ${secret}`);
    assert.equal(call.redact.includes("not-a-secret-value"), false, "a plain variable is shown");
    assert.equal(call.redact.includes("unrelated-value-0005"), false, "an unrelated TF_VAR_");
  }
  // web depends on app: app's outputs reach it through remote state.
  const web = h.runner.calls.filter((c) => c.unit === WEB_DEV);
  assert.ok(web.length > 0);
  for (const call of web) assert.ok(call.redact.includes(FROM_TFVARS), `${call.command}`);
  // network is neither app nor its dependent.
  for (const call of h.runner.calls.filter((c) => c.unit === NETWORK_DEV))
    assert.equal(call.redact.includes(FROM_TFVARS), false, `network ${call.command}`);
});

test("a failing apply whose error text carries the secrets: absent from the report, journal, records, logs, progress and diagnostics", async () => {
  const loaded = await sensitiveFixture();
  const failure = [
    "Error: local-exec provisioner error",
    `Error running command 'echo ${FROM_TFVARS} ${FROM_DEFAULT} ${FROM_ENV} ${FROM_AUTO}; exit 3': exit status 3.`,
    `Output: ${FROM_TFVARS} ${SENSITIVE_VALUE}`,
  ].join("\n");
  const h = await harness({
    loaded,
    script: script(on(APP_DEV, "apply", { exitCode: 1, stderr: failure })),
  });
  const result = await runCommand(
    h.deps,
    h.loaded,
    options({ command: "apply", all: true, autoApprove: true, approve: ["prod"], environment }),
  );
  assert.equal(result.exit, "problems");
  const failed = result.report?.units.find((u) => u.id === APP_DEV);
  assert.equal(failed?.status, "failed");
  assert.match(
    failed?.error?.message ?? "",
    /Error running command 'echo \[redacted\] \[redacted\]/,
  );
  // The plan's sensitive value (from show -json) was known before the apply started.
  const apply = h.runner.calls.find((c) => c.unit === APP_DEV && c.command === "apply");
  assert.ok(apply?.redact.includes(SENSITIVE_VALUE));

  const everything = [
    JSON.stringify(result.report),
    JSON.stringify(result.diagnostics),
    JSON.stringify(h.events),
  ];
  for (const file of await filesUnder(join(loaded.dir, ".crossform", "runs"))) {
    if (file.endsWith("plan.tfplan")) continue;
    everything.push(await readFile(file, "utf8"));
  }
  assert.ok(everything.length > 10);
  for (const text of everything)
    for (const secret of [...SECRETS, SENSITIVE_VALUE])
      assert.equal(text.includes(secret), false, `${secret} in ${text.slice(0, 200)}`);
});

test("a sensitive value too short to redact by value: one warning names the variable and its source, never the value", async () => {
  const loaded = await sensitiveFixture({ shortValue: true });
  const h = await harness({ loaded });
  const result = await runCommand(h.deps, h.loaded, options({ command: "plan", environment }));
  const warning = result.diagnostics.find((d) => d.code === "run/secret-too-short");
  assert.ok(warning, JSON.stringify(result.diagnostics));
  assert.equal(warning.severity, "warning");
  assert.match(
    warning.message,
    /stack app: the sensitive variable db_password \(from stacks\/app\/targets\/dev\.tfvars\.json, stacks\/app\/targets\/prod\.tfvars\.json\)/,
  );
  assert.match(warning.message, /shorter than 8 characters/);
  assert.equal(JSON.stringify(result.diagnostics).includes("pin42"), false);
});
