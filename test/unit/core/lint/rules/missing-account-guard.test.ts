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
  {
    name: "a provider inside a reusable module is provider-in-module's finding, not this one's",
    repository: {
      modules: [
        { dir: "live", files: { "main.tf": 'module "app" {\n  source = "../modules/app"\n}\n' } },
        {
          dir: "modules/app",
          files: { "main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n' },
        },
      ],
    },
    expected: [],
  },
  {
    // Seen in public repositories: `backend "s3" {}` completed by `-backend-config` from a CI script.
    name: "a partial backend whose settings are not in the repository is not judged",
    repository: {
      modules: [{ dir: "live", files: { "backend.tf": 'terraform {\n  backend "s3" {}\n}\n' } }],
    },
    expected: [],
  },
  {
    name: "a partial backend completed by .tfbackend files: the one without a guard",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "backend.tf": 'terraform {\n  backend "s3" {}\n}\n',
            "dev.s3.tfbackend":
              'bucket              = "tfstate-dev"\nkey                 = "live.tfstate"\nallowed_account_ids = ["731935562881"]\n',
            "prod.s3.tfbackend": 'bucket = "tfstate-prod"\nkey    = "live.tfstate"\n',
          },
        },
      ],
    },
    expected: [{ file: "live/prod.s3.tfbackend", line: 1, column: 1 }],
  },
  {
    name: ".tfbackend files in a directory below the root they complete",
    repository: {
      modules: [
        { dir: "live", files: { "backend.tf": 'terraform {\n  backend "s3" {}\n}\n' } },
        {
          dir: "live/backends",
          files: { "prod.tfbackend": 'key    = "live.tfstate"\nbucket = "tfstate-prod"\n' },
        },
      ],
    },
    expected: [{ file: "live/backends/prod.tfbackend", line: 2, column: 1 }],
  },
]);
