import assert from "node:assert/strict";
import { test } from "node:test";
import type { TerraformValidateReport } from "../../../src/app/validate-terraform.ts";
import {
  formatTerraformValidate,
  terraformValidateJson,
} from "../../../src/formatters/validate-terraform.ts";

const report: TerraformValidateReport = {
  terraform: "terraform 1.11.4",
  parallel: 4,
  valid: false,
  interrupted: false,
  stacks: [
    {
      stacks: ["network"],
      path: "stacks/network",
      status: "valid",
      diagnostics: [],
      log: ".crossform/validate/network/log",
    },
    {
      stacks: ["app", "app-eu"],
      path: "stacks/app",
      status: "invalid",
      diagnostics: [
        {
          severity: "error",
          code: "terraform/validate",
          message:
            'Reference to undeclared input variable: An input variable with the name "x" has not been declared.',
          position: { file: "stacks/app/main.tf", line: 7, column: 11 },
        },
      ],
      log: ".crossform/validate/app/log",
    },
    {
      stacks: ["dns"],
      path: "stacks/dns",
      status: "failed",
      diagnostics: [
        {
          severity: "error",
          code: "terraform/init-failed",
          message: "stack stacks/dns: terraform init -backend=false failed: Error: x",
          hint: "see .crossform/validate/dns/log",
        },
      ],
      log: ".crossform/validate/dns/log",
    },
  ],
};

test("text: each diagnostic at file:line:column, one line per stack directory, the count", () => {
  assert.equal(
    formatTerraformValidate(report),
    [
      'stacks/app/main.tf:7:11: error: Reference to undeclared input variable: An input variable with the name "x" has not been declared. [terraform/validate]',
      "error: stack stacks/dns: terraform init -backend=false failed: Error: x [terraform/init-failed]",
      "  hint: see .crossform/validate/dns/log",
      "2 errors",
      "terraform validate (terraform 1.11.4), 3 stack directories:",
      "  network (stacks/network): valid",
      "  app, app-eu (stacks/app): invalid (1 error); log: .crossform/validate/app/log",
      "  dns (stacks/dns): failed (1 error); log: .crossform/validate/dns/log",
      "1 of 3 valid, 1 invalid, 1 could not be validated",
      "",
    ].join("\n"),
  );
});

test("JSON: the report's fields, stacks as they are", () => {
  assert.deepEqual(terraformValidateJson(report), {
    terraform: "terraform 1.11.4",
    parallel: 4,
    valid: false,
    interrupted: false,
    stacks: report.stacks,
  });
});
