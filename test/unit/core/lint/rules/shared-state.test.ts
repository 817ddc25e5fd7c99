import { sharedState } from "../../../../../src/core/lint/rules/shared-state.ts";
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTreeSitterHclParser } from "../../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { lintWith, ruleCases } from "../../../../helpers/lint-rule-cases.ts";
import type { TestModule } from "../../../../helpers/lint-rule-cases.ts";

function root(dir: string, bucket: string, key: string): TestModule {
  return {
    dir,
    files: {
      "backend.tf": `terraform {\n  backend "s3" {\n    bucket = "${bucket}"\n    key    = "${key}"\n  }\n}\n`,
    },
  };
}

function prefixed(dir: string, prefix: string): TestModule {
  return {
    dir,
    files: {
      "backend.tf": `terraform {\n  backend "s3" {\n    bucket               = "modernisation-platform-terraform-state"\n    encrypt              = true\n    key                  = "terraform.tfstate"\n    workspace_key_prefix = "${prefix}"\n  }\n}\n`,
    },
  };
}

/** A Terragrunt unit including the repository's root.hcl. */
function unit(dir: string): TestModule {
  return {
    dir,
    files: {
      "terragrunt.hcl": 'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n',
      "main.tf": 'resource "aws_s3_bucket" "b" {}\n',
    },
  };
}

const config = {
  file: "crossform.yaml",
  text: "version: 1\nstate:\n  bucket: tfstate\n  key: app.tfstate\n",
  stateKeyLocation: { file: "crossform.yaml", line: 4, column: 8 },
  thirdPartyAccounts: [],
};

ruleCases(sharedState, [
  {
    name: "three roots sharing one bucket and key",
    repository: {
      modules: [
        root("live/a", "tfstate", "terraform.tfstate"),
        root("live/b", "tfstate", "terraform.tfstate"),
        root("live/c", "tfstate", "terraform.tfstate"),
      ],
    },
    expected: [
      { file: "live/b/backend.tf", line: 4, column: 5 },
      { file: "live/c/backend.tf", line: 4, column: 5 },
    ],
  },
  {
    name: "roots sharing a key across different buckets",
    repository: {
      modules: [
        root("live/dev", "tfstate-dev", "app/terraform.tfstate"),
        root("live/prod", "tfstate-prod", "app/terraform.tfstate"),
      ],
    },
    expected: [],
  },
  {
    name: "roots with their own keys in one bucket",
    repository: {
      modules: [root("live/a", "tfstate", "a.tfstate"), root("live/b", "tfstate", "b.tfstate")],
    },
    expected: [],
  },
  {
    name: "computed keys are not compared",
    repository: {
      modules: [
        {
          dir: "live/a",
          files: {
            "backend.tf":
              'terraform {\n  backend "s3" {\n    bucket = "tfstate"\n    key    = "${path.module}"\n  }\n}\n',
          },
        },
        {
          dir: "live/b",
          files: {
            "backend.tf":
              'terraform {\n  backend "s3" {\n    bucket = "tfstate"\n    key    = "${path.module}"\n  }\n}\n',
          },
        },
      ],
    },
    expected: [],
  },
  {
    name: "a multi-account stack hard-coding bucket and key",
    repository: {
      modules: [
        {
          ...root("stacks/app", "tfstate", "app.tfstate"),
          stack: { name: "app", accountCount: 3 },
        },
      ],
    },
    expected: [{ file: "stacks/app/backend.tf", line: 2, column: 3 }],
  },
  {
    name: "a stack deployed to one account may hard-code its backend",
    repository: {
      modules: [
        {
          ...root("stacks/app", "tfstate", "app.tfstate"),
          stack: { name: "app", accountCount: 1 },
        },
      ],
    },
    expected: [],
  },
  {
    name: "a stack with the partial backend crossform completes",
    repository: {
      modules: [
        {
          dir: "stacks/app",
          files: { "backend.tf": 'terraform {\n  backend "s3" {}\n}\n' },
          stack: { name: "app", accountCount: 3 },
        },
      ],
    },
    expected: [],
  },
  {
    name: "two crossform units with one state address",
    repository: {
      modules: [],
      config: {
        ...config,
        units: [
          { id: "app/dev/eu-west-1", bucket: "tfstate", key: "app.tfstate" },
          { id: "app/prod/eu-west-1", bucket: "tfstate", key: "app.tfstate" },
        ],
      },
    },
    expected: [{ file: "crossform.yaml", line: 4, column: 8 }],
  },
  {
    name: "crossform units with their own addresses",
    repository: {
      modules: [],
      config: {
        ...config,
        units: [
          { id: "app/dev/eu-west-1", bucket: "tfstate", key: "app/dev.tfstate" },
          { id: "app/prod/eu-west-1", bucket: "tfstate", key: "app/prod.tfstate" },
        ],
      },
    },
    expected: [],
  },
  {
    name: "a shared unit address suppressed in crossform.yaml",
    repository: {
      modules: [],
      config: {
        ...config,
        text: "version: 1\nstate:\n  bucket: tfstate\n  # crossform-ignore: shared-state\n  key: app.tfstate\n",
        stateKeyLocation: { file: "crossform.yaml", line: 5, column: 8 },
        units: [
          { id: "app/dev/eu-west-1", bucket: "tfstate", key: "app.tfstate" },
          { id: "app/prod/eu-west-1", bucket: "tfstate", key: "app.tfstate" },
        ],
      },
    },
    expected: [],
  },
  {
    // Seen in public repositories: one bucket and key for every root, each with its own prefix.
    name: "roots sharing bucket and key with their own workspace_key_prefix do not collide",
    repository: {
      modules: [
        prefixed("environments/a", "environments/accounts/a"),
        prefixed("environments/b", "environments/accounts/b"),
      ],
    },
    expected: [],
  },
  {
    name: "roots sharing bucket, key and workspace_key_prefix share every workspace",
    repository: {
      modules: [
        prefixed("integration-hub-api", "environments/members/integration-hub/api-platform"),
        prefixed(
          "integration-hub/api-platform",
          "environments/members/integration-hub/api-platform",
        ),
      ],
    },
    expected: [{ file: "integration-hub/api-platform/backend.tf", line: 5, column: 5 }],
  },
  {
    name: "template roots with a placeholder a script fills in are not deployed roots",
    repository: {
      modules: [
        prefixed("templates/a", "environments/members/$application_name"),
        prefixed("templates/b", "environments/members/$application_name"),
      ],
    },
    expected: [],
  },
  {
    name: "a root that is also called as a module is still deployed on its own",
    repository: {
      modules: [
        root("live/network", "tfstate", "terraform.tfstate"),
        {
          dir: "live/app",
          files: {
            "backend.tf":
              'terraform {\n  backend "s3" {\n    bucket = "tfstate"\n    key    = "terraform.tfstate"\n  }\n}\n\nmodule "network" {\n  source = "../network"\n}\n',
          },
        },
      ],
    },
    expected: [{ file: "live/network/backend.tf", line: 4, column: 5 }],
  },
  {
    name: "two .tfbackend files completing the bucket of a backend block with one key",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "backend.tf": 'terraform {\n  backend "s3" {\n    bucket = "tfstate"\n  }\n}\n',
            "dev.s3.tfbackend": 'key = "live/terraform.tfstate"\n',
            "prod.s3.tfbackend": 'key = "live/terraform.tfstate"\n',
          },
        },
      ],
    },
    expected: [{ file: "live/prod.s3.tfbackend", line: 1, column: 1 }],
  },
  {
    name: "two .tfbackend files of a partial backend with one bucket and key",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "backend.tf": 'terraform {\n  backend "s3" {}\n}\n',
            "dev.s3.tfbackend": 'bucket = "tfstate"\nkey    = "live/terraform.tfstate"\n',
            "prod.s3.tfbackend": 'bucket = "tfstate"\nkey    = "live/terraform.tfstate"\n',
          },
        },
      ],
    },
    expected: [{ file: "live/prod.s3.tfbackend", line: 2, column: 1 }],
  },
  {
    name: "Terragrunt units whose included remote_state has one literal key",
    repository: {
      modules: [
        {
          dir: ".",
          files: {
            "root.hcl":
              'remote_state {\n  backend = "s3"\n  config = {\n    bucket = "acme-tfstate"\n    key    = "terraform.tfstate"\n    region = "eu-west-1"\n  }\n}\n',
          },
        },
        unit("prod/vpc"),
        unit("prod/db"),
        unit("dev/vpc"),
      ],
    },
    expected: [{ file: "root.hcl", line: 5, column: 5 }],
  },
  {
    name: "Terragrunt units keyed by path_relative_to_include() each have their own state",
    repository: {
      modules: [
        {
          dir: ".",
          files: {
            "root.hcl":
              'locals {\n  account = read_terragrunt_config(find_in_parent_folders("account.hcl"))\n}\n\nremote_state {\n  backend = "s3"\n  config = {\n    bucket = "${get_env("TG_BUCKET_PREFIX", "")}tfstate-${local.account.locals.account_name}"\n    key    = "${path_relative_to_include()}/tf.tfstate"\n  }\n}\n',
          },
        },
        { dir: "prod", files: { "account.hcl": 'locals {\n  account_name = "prod"\n}\n' } },
        unit("prod/vpc"),
        unit("prod/db"),
      ],
    },
    expected: [],
  },
  {
    name: "a multi-account stack keeps one state by design",
    repository: {
      modules: [
        {
          dir: "stacks/dns",
          files: {
            "backend.tf":
              'terraform {\n  backend "s3" {\n    bucket = "tfstate"\n    key    = "dns.tfstate"\n  }\n}\n',
          },
          stack: { name: "dns", accountCount: 2, mode: "multi-account" },
        },
      ],
    },
    expected: [],
  },
]);

test("the message states the address that collides, for every workspace", async () => {
  const parser = await createTreeSitterHclParser();
  const report = lintWith(parser, sharedState, {
    modules: [root("live/a", "tfstate", "app.tfstate"), root("live/b", "tfstate", "app.tfstate")],
  });
  assert.deepEqual(
    report.findings.map((finding) => finding.message),
    [
      "the root live/b writes its state to s3://tfstate/app.tfstate (and s3://tfstate/env:/<workspace>/app.tfstate for every other workspace), as the root live/a does",
    ],
  );
  const units = lintWith(parser, sharedState, {
    modules: [
      {
        dir: ".",
        files: {
          "root.hcl":
            'remote_state {\n  backend = "s3"\n  config = {\n    bucket = "tfstate"\n    key    = "terraform.tfstate"\n  }\n}\n',
        },
      },
      unit("a"),
      unit("b"),
      unit("c"),
      unit("d"),
      unit("e"),
    ],
  });
  assert.deepEqual(
    units.findings.map((finding) => finding.message),
    [
      "Terragrunt unit a, Terragrunt unit b, Terragrunt unit c and 2 more all write their state to s3://tfstate/terraform.tfstate (and s3://tfstate/env:/<workspace>/terraform.tfstate for every other workspace)",
    ],
  );
});
