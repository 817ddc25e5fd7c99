import { implicitProvider } from "../../../../../src/core/lint/rules/implicit-provider.ts";
import { ruleCases } from "../../../../helpers/lint-rule-cases.ts";

const aliasesOnly =
  'provider "aws" {\n  alias  = "prod"\n  region = "eu-west-1"\n}\n\nprovider "aws" {\n  alias  = "dev"\n  region = "eu-west-1"\n}\n';

ruleCases(implicitProvider, [
  {
    name: "a resource and a module naming no provider among aliases only",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "providers.tf": aliasesOnly,
            "main.tf":
              'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n\ndata "aws_caller_identity" "me" {}\n\nmodule "net" {\n  source = "./net"\n}\n',
          },
        },
        { dir: "live/net", files: { "main.tf": 'resource "aws_vpc" "this" {}\n' } },
      ],
    },
    expected: [
      { file: "live/main.tf", line: 1, column: 1 },
      { file: "live/main.tf", line: 5, column: 1 },
      { file: "live/main.tf", line: 7, column: 1 },
    ],
  },
  {
    name: "everything names its provider",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "providers.tf": aliasesOnly,
            "main.tf":
              'resource "aws_s3_bucket" "logs" {\n  provider = aws.prod\n  bucket   = "logs"\n}\n\nmodule "net" {\n  source    = "./net"\n  providers = { aws = aws.dev }\n}\n\nresource "random_id" "x" {\n  byte_length = 4\n}\n',
          },
        },
      ],
    },
    expected: [],
  },
  {
    name: "a default provider next to aliases",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "providers.tf": `${aliasesOnly}\nprovider "aws" {\n  region = "eu-west-1"\n}\n`,
            "main.tf": 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n',
          },
        },
      ],
    },
    expected: [],
  },
  {
    name: "a local module that uses no aws provider needs none passed",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "providers.tf": aliasesOnly,
            "main.tf":
              'module "names" {\n  source = "../modules/names"\n}\n\nmodule "net" {\n  source = "../modules/net"\n}\n',
          },
        },
        { dir: "modules/names", files: { "main.tf": 'output "prefix" {\n  value = "acme"\n}\n' } },
        { dir: "modules/net", files: { "main.tf": 'resource "aws_vpc" "this" {}\n' } },
      ],
    },
    expected: [{ file: "live/main.tf", line: 5, column: 1 }],
  },
  {
    name: "a reusable module's resources get their provider from the caller",
    repository: {
      modules: [
        {
          dir: "live",
          role: "module",
          files: { "providers.tf": aliasesOnly, "main.tf": 'resource "aws_s3_bucket" "logs" {}\n' },
        },
      ],
    },
    expected: [],
  },
]);
