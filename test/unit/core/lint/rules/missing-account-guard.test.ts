import { missingAccountGuard } from "../../../../../src/core/lint/rules/missing-account-guard.ts";
import { ruleCases } from "../../../../helpers/lint-rule-cases.ts";

ruleCases(missingAccountGuard, [
  {
    name: "a provider with allowed_account_ids",
    repository: {
      modules: [
        {
          dir: "live",
          files: { "main.tf": 'provider "aws" {\n  allowed_account_ids = [var.account_id]\n}\n' },
        },
      ],
    },
    expected: [],
  },
  {
    name: "a provider with forbidden_account_ids",
    repository: {
      modules: [
        {
          dir: "live",
          files: { "main.tf": 'provider "aws" {\n  forbidden_account_ids = ["731935562881"]\n}\n' },
        },
      ],
    },
    expected: [],
  },
  {
    name: "an unguarded default provider and an unguarded alias",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "main.tf":
              'provider "aws" {\n  region = "eu-west-1"\n}\n\nprovider "aws" {\n  alias = "us"\n}\n',
          },
        },
      ],
    },
    expected: [
      { file: "live/main.tf", line: 1, column: 1 },
      { file: "live/main.tf", line: 5, column: 1 },
    ],
  },
  {
    name: "another provider is not aws",
    repository: {
      modules: [{ dir: "live", files: { "main.tf": 'provider "google" {\n  project = "p"\n}\n' } }],
    },
    expected: [],
  },
  {
    name: "an S3 backend without a guard",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "backend.tf":
              'terraform {\n  backend "s3" {\n    bucket = "state"\n    key    = "live/terraform.tfstate"\n  }\n}\n',
          },
        },
      ],
    },
    expected: [{ file: "live/backend.tf", line: 2, column: 3 }],
  },
  {
    name: "an S3 backend with allowed_account_ids",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "backend.tf":
              'terraform {\n  backend "s3" {\n    bucket              = "state"\n    key                 = "live/terraform.tfstate"\n    allowed_account_ids = ["731935562881"]\n  }\n}\n',
          },
        },
      ],
    },
    expected: [],
  },
  {
    name: "a crossform stack's partial backend is completed with a guard",
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
]);
