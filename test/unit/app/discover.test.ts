import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { AtomicFileWriter } from "../../../src/adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../../src/adapters/fs/node-file-system.ts";
import {
  discoverOrganization,
  discoveryYaml,
  mergeDiscovery,
  parseOuTiers,
} from "../../../src/app/discover.ts";
import { CrossformError } from "../../../src/core/errors.ts";
import type { WriteAtomicOptions } from "../../../src/ports/file-writer.ts";
import { sampleOrganization } from "../../helpers/fake-organization.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

/** The real writer, recording the options of each write. */
class RecordingWriter extends AtomicFileWriter {
  readonly writes: { path: string; options: WriteAtomicOptions | undefined }[] = [];
  override writeAtomic(path: string, contents: string | Uint8Array, options?: WriteAtomicOptions) {
    this.writes.push({ path, options });
    return super.writeAtomic(path, contents, options);
  }
}

test("bad --ou-tier options are one usage error naming each", () => {
  assert.throws(
    () => parseOuTiers(["Prod", "Dev=Dev"]),
    (error: unknown) =>
      error instanceof CrossformError &&
      error.source === "user" &&
      /--ou-tier Prod has no "="/.test(error.message) &&
      /tier "Dev" in --ou-tier Dev=Dev/.test(error.message),
  );
});

test("discovery names accounts, maps tiers and prints accounts: YAML", async () => {
  const discovery = await discoverOrganization(sampleOrganization(), parseOuTiers(["Prod=prod"]));
  assert.deepEqual(discovery.tiers, ["prod"]);
  const yaml = discoveryYaml(discovery);
  assert.ok(yaml.startsWith("accounts:\n  management: "));
  assert.match(
    yaml,
    /^ {2}payments-prod: \{ id: "310000000001", tier: prod, tags: \{ ou: "Root\/Workloads\/Prod" \} \} # Payments Prod$/m,
  );
  assert.equal(yaml.includes("310000000002"), false);
});

test("an OU mapping that names no OU is a usage error", async () => {
  await assert.rejects(
    discoverOrganization(sampleOrganization(), parseOuTiers(["Prd=prod"])),
    (error: unknown) =>
      error instanceof CrossformError &&
      error.source === "user" &&
      /did you mean Prod\?/.test(error.message),
  );
});

test("an AWS failure keeps its code and gains the hint on the identity to use", async () => {
  const organization = sampleOrganization();
  organization.listRoots = () =>
    Promise.reject(
      new CrossformError("aws/access-denied", "external", "organizations:ListRoots was denied", {
        hint: "generic",
      }),
    );
  await assert.rejects(discoverOrganization(organization, []), (error: unknown) => {
    assert.ok(error instanceof CrossformError);
    assert.equal(error.code, "aws/access-denied");
    assert.equal(
      error.message,
      "cannot list the organization's accounts: organizations:ListRoots was denied",
    );
    assert.match(error.hint ?? "", /management account or of a delegated administrator/);
    return true;
  });
  organization.listRoots = () =>
    Promise.reject(
      new CrossformError("aws/expired-token", "external", "expired", { hint: "log in again" }),
    );
  await assert.rejects(
    discoverOrganization(organization, []),
    (error: unknown) => error instanceof CrossformError && error.hint === "log in again",
  );
});

test("merge writes atomically with a backup, and not at all when nothing is new", async () => {
  const dir = await makeTempDir("discover-merge");
  const path = join(dir, "crossform.yaml");
  const original = 'version: 1\naccounts:\n  # mine\n  prod: { id: "310000000001" }\n';
  await writeFile(path, original);
  const writer = new RecordingWriter();
  const deps = { fs: new NodeFileSystem(), writer };
  const discovery = await discoverOrganization(sampleOrganization(), []);
  const report = await mergeDiscovery(deps, path, "crossform.yaml", discovery);
  assert.equal(report.wrote, true);
  assert.deepEqual(writer.writes, [{ path, options: { backup: true } }]);
  assert.equal(report.backupPath, `${path}.crossform-backup`);
  assert.equal(await readFile(`${path}.crossform-backup`, "utf8"), original);
  assert.equal(report.added.length, 6);
  assert.deepEqual(
    report.known.map((k) => [k.name, k.derivedName]),
    [["prod", "payments-prod"]],
  );
  const merged = await readFile(path, "utf8");
  assert.ok(merged.startsWith(original));

  const again = await mergeDiscovery(deps, path, "crossform.yaml", discovery);
  assert.equal(again.wrote, false);
  assert.equal(again.added.length, 0);
  assert.equal(writer.writes.length, 1);
  assert.equal(await readFile(path, "utf8"), merged);
});
