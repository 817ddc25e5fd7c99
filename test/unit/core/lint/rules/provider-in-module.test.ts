import { providerInModule } from "../../../../../src/core/lint/rules/provider-in-module.ts";
import { ruleCases } from "../../../../helpers/lint-rule-cases.ts";

const root = (source: string, providers = "") => ({
  dir: "live",
  files: {
    "main.tf": `module "net" {\n  source = "${source}"\n${providers}}\n`,
  },
});

ruleCases(providerInModule, [
  {
    name: "a provider block in a root",
    repository: {
      modules: [
        { dir: "live", files: { "main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n' } },
      ],
    },
    expected: [],
  },
  {
    name: "a module before moving its providers to configuration_aliases",
    repository: {
      modules: [
        root("../modules/net"),
        {
          dir: "modules/net",
          files: {
            "providers.tf":
              'provider "aws" {\n  region = "eu-west-1"\n}\n\nprovider "aws" {\n  alias  = "dns"\n  region = "us-east-1"\n}\n',
          },
        },
      ],
    },
    expected: [
      { file: "modules/net/providers.tf", line: 1, column: 1 },
      { file: "modules/net/providers.tf", line: 5, column: 1 },
    ],
  },
  {
    name: "the same module after moving its providers to configuration_aliases",
    repository: {
      modules: [
        root("../modules/net", "  providers = {\n    aws     = aws\n    aws.dns = aws.dns\n  }\n"),
        {
          dir: "modules/net",
          files: {
            "versions.tf":
              'terraform {\n  required_providers {\n    aws = {\n      source                = "hashicorp/aws"\n      configuration_aliases = [aws.dns]\n    }\n  }\n}\n',
          },
        },
      ],
    },
    expected: [],
  },
  {
    name: "provider_meta is not a provider block",
    repository: {
      modules: [
        root("../modules/net"),
        {
          dir: "modules/net",
          files: {
            "versions.tf":
              'terraform {\n  provider_meta "aws" {\n    module_name = "net"\n  }\n}\n',
          },
        },
      ],
    },
    expected: [],
  },
  {
    name: "a provider block written inside a heredoc is text",
    repository: {
      modules: [
        root("../modules/net"),
        {
          dir: "modules/net",
          files: {
            "readme.tf":
              'output "example" {\n  value = <<-EOT\n    provider "aws" {\n      region = "eu-west-1"\n    }\n  EOT\n}\n',
          },
        },
      ],
    },
    expected: [],
  },
  {
    // JSON syntax has no keyword per block: the finding points at the provider's own entry.
    name: "an indented provider block in a JSON module",
    repository: {
      modules: [
        root("../modules/net"),
        {
          dir: "modules/net",
          files: {
            "main.tf.json":
              '{\n  "provider": {\n    "aws": {\n      "region": "eu-west-1"\n    }\n  }\n}\n',
          },
        },
      ],
    },
    expected: [{ file: "modules/net/main.tf.json", line: 3, column: 5 }],
  },
  {
    name: "an empty aliased block is the legacy declaration of an alias the caller passes",
    repository: {
      modules: [
        root("../modules/net", "  providers = { aws.peer = aws }\n"),
        { dir: "modules/net", files: { "main.tf": 'provider "aws" {\n  alias = "peer"\n}\n' } },
      ],
    },
    expected: [],
  },
]);
