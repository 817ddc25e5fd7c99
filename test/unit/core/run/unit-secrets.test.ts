import assert from "node:assert/strict";
import { test } from "node:test";
import { summarizeModule } from "../../../../src/core/hcl/module-summary.ts";
import {
  environmentVariableSource,
  sensitiveVariables,
  shortSecretsMessage,
  unitSecretValues,
} from "../../../../src/core/run/unit-secrets.ts";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";

const parser = await createTreeSitterHclParser();

const STACK = `variable "db_password" {
  type      = string
  sensitive = true
}

variable "api" {
  sensitive = true
  default = {
    key    = "default-api-key-0001"
    scopes = ["scope-read-only-0002", 42, true]
    note   = "prefix-\${upper("x")}-suffix-literal"
  }
}

variable "plain" {
  default = "not-a-secret-value"
}

variable "computed_flag" {
  sensitive = var.plain == "" ? true : false
  default   = "never-read-as-sensitive"
}
`;

const JSON_STACK = JSON.stringify({
  variable: { token: { type: "string", sensitive: true, default: "json-default-token-0003" } },
});

test("sensitiveVariables: the variables declared sensitive = true, with the literals of their defaults, in native and JSON syntax", () => {
  const summary = summarizeModule([
    parser.parse("main.tf", STACK),
    parser.parse("more.tf.json", JSON_STACK),
  ]);
  assert.deepEqual(sensitiveVariables(summary.variables), [
    { name: "db_password", defaults: [] },
    {
      name: "api",
      defaults: [
        "default-api-key-0001",
        "scope-read-only-0002",
        42,
        true,
        "prefix-",
        "-suffix-literal",
      ],
    },
    { name: "token", defaults: ["json-default-token-0003"] },
  ]);
});

test("unitSecretValues: every value of each sensitive variable from every source and the default; short ones named by source", () => {
  const variables = [
    { name: "db_password", defaults: [] },
    { name: "api", defaults: ["default-api-key-0001", 1234, true] },
    { name: "unset", defaults: [] },
  ];
  const found = unitSecretValues(variables, [
    {
      label: "stacks/app/targets/dev.tfvars.json",
      values: { db_password: "tfvars-password-0004", plain: "not-a-secret-value" },
    },
    {
      label: "stacks/app/secrets.auto.tfvars",
      values: { api: { key: "auto-key-00005", pin: "42" } },
    },
    ...environmentVariableSource({
      TF_VAR_db_password: "env-password-0006",
      TF_VAR_api: '{"key": "env-json-key-0007"}',
      TF_VAR_other: "other-value-0008",
      HOME: "/root",
    }),
  ]);
  assert.deepEqual(found.values.sort(), [
    "auto-key-00005",
    "default-api-key-0001",
    "env-json-key-0007",
    "env-password-0006",
    "tfvars-password-0004",
    '{"key": "env-json-key-0007"}',
  ]);
  assert.deepEqual(found.short, [
    { variable: "api", source: "stacks/app/secrets.auto.tfvars" },
    { variable: "api", source: "its default" },
  ]);
});

test("shortSecretsMessage names each variable and at most three sources, never a value", () => {
  const message = shortSecretsMessage("app", [
    { variable: "pin", source: "a.tfvars.json" },
    { variable: "pin", source: "b.tfvars.json" },
    { variable: "pin", source: "c.tfvars.json" },
    { variable: "pin", source: "d.tfvars.json" },
    { variable: "pin", source: "a.tfvars.json" },
  ]);
  assert.match(
    message,
    /^stack app: the sensitive variable pin \(from a\.tfvars\.json, b\.tfvars\.json, c\.tfvars\.json and 1 more\) has a value shorter than 8 characters, too short to redact by value/,
  );
});
