import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, test } from "node:test";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import {
  INSTALL_MODULE_HEADER,
  lockedProviders,
  pluginCacheEntry,
  providerInstallModule,
} from "../../../../src/core/run/provider-install.ts";
import type { HclParser } from "../../../../src/ports/hcl-parser.ts";
import { terraformFmt } from "../../../helpers/terraform.ts";

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

const QUICKSTART_LOCK = readFileSync(
  new URL("../../../../examples/quickstart/stacks/network/.terraform.lock.hcl", import.meta.url),
  "utf8",
);

test("lockedProviders reads each provider's full address and exact version from a real lock file", () => {
  assert.deepEqual(lockedProviders(parser.parse(".terraform.lock.hcl", QUICKSTART_LOCK)), {
    ok: true,
    providers: [{ address: "registry.terraform.io/hashicorp/aws", version: "5.100.0" }],
  });
});

test("lockedProviders refuses a block without an exact version, a short address, or a syntax error", () => {
  const read = (text: string) => lockedProviders(parser.parse(".terraform.lock.hcl", text));
  assert.deepEqual(read('provider "registry.terraform.io/hashicorp/aws" {\n  hashes = []\n}\n'), {
    ok: false,
    problem: "the provider block at line 1 has no full address and exact version",
  });
  assert.equal(read('provider "hashicorp/aws" {\n  version = "5.100.0"\n}\n').ok, false);
  assert.equal(read('provider "registry.terraform.io/hashicorp/aws" {\n  version = \n').ok, false);
});

test("pluginCacheEntry is where Terraform puts a provider in TF_PLUGIN_CACHE_DIR", () => {
  assert.deepEqual(
    pluginCacheEntry(
      { address: "registry.opentofu.org/hashicorp/aws", version: "5.100.0" },
      "darwin_arm64",
    ),
    ["registry.opentofu.org", "hashicorp", "aws", "5.100.0", "darwin_arm64"],
  );
});

test("the install module requires exactly the locked providers, types that clash get their own names, as terraform fmt writes it", async () => {
  const text = providerInstallModule([
    { address: "registry.terraform.io/hashicorp/aws", version: "5.100.0" },
    { address: "registry.terraform.io/acme/aws", version: "1.0.0" },
    { address: "example.com/x/9lives", version: "0.1.0" },
  ]);
  assert.equal(
    text,
    `${INSTALL_MODULE_HEADER}

terraform {
  required_providers {
    aws = {
      source  = "registry.terraform.io/hashicorp/aws"
      version = "5.100.0"
    }
    aws_2 = {
      source  = "registry.terraform.io/acme/aws"
      version = "1.0.0"
    }
    p_9lives = {
      source  = "example.com/x/9lives"
      version = "0.1.0"
    }
  }
}
`,
  );
  assert.equal(await terraformFmt(text), text);
});
