import { sharedState } from "../../../../../src/core/lint/rules/shared-state.ts";
import { ruleCases } from "../../../../helpers/lint-rule-cases.ts";
import type { TestModule } from "../../../../helpers/lint-rule-cases.ts";

function root(dir: string, bucket: string, key: string): TestModule {
  return {
    dir,
    files: {
      "backend.tf": `terraform {\n  backend "s3" {\n    bucket = "${bucket}"\n    key    = "${key}"\n  }\n}\n`,
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
]);
