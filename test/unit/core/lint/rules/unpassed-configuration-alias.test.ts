import { unpassedConfigurationAlias } from "../../../../../src/core/lint/rules/unpassed-configuration-alias.ts";
import { ruleCases } from "../../../../helpers/lint-rule-cases.ts";
import type { TestRepository } from "../../../../helpers/lint-rule-cases.ts";

const dnsModule = {
  dir: "modules/dns",
  files: {
    "versions.tf":
      'terraform {\n  required_providers {\n    aws = {\n      source                = "hashicorp/aws"\n      configuration_aliases = [aws.us_east_1, aws.shared]\n    }\n  }\n}\n',
  },
};

function caller(providers: string): TestRepository {
  return {
    modules: [
      {
        dir: "live/prod",
        files: {
          "providers.tf": 'provider "aws" {\n  alias = "virginia"\n}\n',
          "main.tf": `locals {\n  name = "prod"\n}\n\nmodule "dns" {\n  source = "../../modules/dns"\n${providers}}\n`,
        },
      },
      dnsModule,
    ],
  };
}

ruleCases(unpassedConfigurationAlias, [
  {
    name: "every alias passed",
    repository: caller(
      "  providers = {\n    aws.us_east_1 = aws.virginia\n    aws.shared    = aws.virginia\n  }\n",
    ),
    expected: [],
  },
  {
    name: "one alias missing",
    repository: caller("  providers = {\n    aws.us_east_1 = aws.virginia\n  }\n"),
    expected: [{ file: "live/prod/main.tf", line: 5, column: 1 }],
  },
  {
    name: "no providers argument at all",
    repository: caller(""),
    expected: [
      { file: "live/prod/main.tf", line: 5, column: 1 },
      { file: "live/prod/main.tf", line: 5, column: 1 },
    ],
  },
  {
    name: "a module without configuration_aliases needs nothing passed",
    repository: {
      modules: [
        { dir: "live", files: { "main.tf": 'module "x" {\n  source = "../modules/x"\n}\n' } },
        { dir: "modules/x", files: { "main.tf": 'resource "aws_s3_bucket" "b" {}\n' } },
      ],
    },
    expected: [],
  },
  {
    name: "a registry module is not read",
    repository: {
      modules: [
        {
          dir: "live",
          files: {
            "main.tf":
              'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0.0"\n}\n',
          },
        },
      ],
    },
    expected: [],
  },
  {
    // Seen in public repositories: the module lists the alias and also configures it itself.
    name: "an alias the module configures itself needs nothing passed",
    repository: {
      modules: [
        {
          dir: "example",
          files: { "main.tf": 'module "extensions" {\n  source = "../extensions"\n}\n' },
        },
        {
          dir: "extensions",
          files: {
            "providers.tf":
              'provider "aws" {\n  alias = "domain"\n  assume_role {\n    role_arn = var.dns_role\n  }\n}\n\nterraform {\n  required_providers {\n    aws = {\n      source                = "hashicorp/aws"\n      configuration_aliases = [aws.domain, aws.cdn]\n    }\n  }\n}\n',
          },
        },
      ],
    },
    expected: [{ file: "example/main.tf", line: 1, column: 1 }],
  },
]);
