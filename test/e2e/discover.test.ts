import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  ListAccountsForParentCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { parse } from "yaml";
import { runBuiltCli } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// A real organization in moto_server, read by the built CLI through the real SDK adapter.
// moto pages ListAccountsForParent by 20 when no MaxResults is given: Sandbox holds 25.
const SANDBOX_ACCOUNTS = 25;

let moto: MotoServer;
let home: string;
/** Account id -> expected OU path, for every ACTIVE account. */
const expected = new Map<string, string>();
let suspendedId = "";
let prodId = "";

function env(): NodeJS.ProcessEnv {
  return { HOME: home, PATH: process.env.PATH ?? "", ...moto.env };
}

function cli(args: string[], cwd: string): ReturnType<typeof runBuiltCli> {
  return runBuiltCli(args, { cwd, env: env() });
}

before(async () => {
  moto = await startMoto();
  home = await makeTempDir("discover-home");
  // Organizations gives accounts random ids; the seed makes them the same on every run.
  const seeded = await fetch(`${moto.endpoint}/moto-api/seed?a=42`, { method: "POST" });
  await seeded.arrayBuffer();
  assert.equal(seeded.status, 200);

  const org = new OrganizationsClient({
    region: "us-east-1",
    endpoint: moto.endpoint,
    credentials: { accessKeyId: moto.env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: "test" },
  });
  try {
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    const managementId = created.Organization?.MasterAccountId ?? "";
    expected.set(managementId, "Root");
    const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? "";
    const ou = async (parent: string, name: string): Promise<string> =>
      (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name })))
        .OrganizationalUnit?.Id ?? "";
    const account = async (parent: string, name: string, path: string): Promise<string> => {
      const status = await org.send(
        new CreateAccountCommand({
          AccountName: name,
          Email: `${name.replace(/\W/g, "")}@example.com`,
        }),
      );
      const id = status.CreateAccountStatus?.AccountId ?? "";
      await org.send(
        new MoveAccountCommand({
          AccountId: id,
          SourceParentId: rootId,
          DestinationParentId: parent,
        }),
      );
      expected.set(id, path);
      return id;
    };
    const security = await ou(rootId, "Security");
    const workloads = await ou(rootId, "Workloads");
    const prod = await ou(workloads, "Prod");
    const nonprod = await ou(workloads, "NonProd");
    const dev = await ou(nonprod, "Dev");
    const sandbox = await ou(rootId, "Sandbox");
    await account(security, "Audit", "Root/Security");
    prodId = await account(prod, "Payments Prod", "Root/Workloads/Prod");
    await account(dev, "Payments Dev", "Root/Workloads/NonProd/Dev");
    await account(nonprod, "Shared NonProd", "Root/Workloads/NonProd");
    for (let i = 1; i <= SANDBOX_ACCOUNTS; i++) {
      await account(sandbox, `Sandbox ${String(i).padStart(2, "0")}`, "Root/Sandbox");
    }
    // The walk must page: one ListAccountsForParent call does not return all of Sandbox.
    const firstPage = await org.send(new ListAccountsForParentCommand({ ParentId: sandbox }));
    assert.ok((firstPage.Accounts ?? []).length < SANDBOX_ACCOUNTS);
    assert.ok(firstPage.NextToken);
    suspendedId = await account(prod, "Old Prod", "Root/Workloads/Prod");
    await org.send(new CloseAccountCommand({ AccountId: suspendedId }));
    expected.delete(suspendedId);
  } finally {
    org.destroy();
  }
});

after(async () => {
  await moto.stop();
});

interface Entry {
  id: string;
  tier?: string;
  tags: { ou: string };
}

test("discover prints every ACTIVE account with its OU path, across pages, without suspended ones", async () => {
  const dir = await makeTempDir("discover-print");
  const result = await cli(
    [
      "discover",
      "--ou-tier",
      "Prod=prod",
      "--ou-tier",
      "Root/Workloads/NonProd=nonprod",
      "--ou-tier",
      "Dev=dev",
    ],
    dir,
  );
  assert.equal(result.code, 0, result.stderr);
  const accounts = (parse(result.stdout) as { accounts: Record<string, Entry> }).accounts;
  const found = new Map(Object.values(accounts).map((a) => [a.id, a.tags.ou]));
  assert.equal(found.size, 1 + 4 + SANDBOX_ACCOUNTS);
  assert.deepEqual(found, expected);
  assert.equal(found.has(suspendedId), false);
  const byOu = (ou: string): Entry[] => Object.values(accounts).filter((a) => a.tags.ou === ou);
  assert.equal(byOu("Root/Sandbox").length, SANDBOX_ACCOUNTS);
  assert.deepEqual(
    byOu("Root/Workloads/Prod").map((a) => a.tier),
    ["prod"],
  );
  assert.deepEqual(
    byOu("Root/Workloads/NonProd/Dev").map((a) => a.tier),
    ["dev"],
  );
  assert.deepEqual(
    byOu("Root/Workloads/NonProd").map((a) => a.tier),
    ["nonprod"],
  );
  assert.equal(byOu("Root/Security")[0]?.tier, undefined);
  assert.equal(accounts["payments-prod"]?.id, prodId);
  assert.equal(accounts["sandbox-07"]?.tags.ou, "Root/Sandbox");
  assert.match(
    result.stdout,
    /^ {2}payments-prod: \{ id: "\d{12}", tier: prod, tags: \{ ou: "Root\/Workloads\/Prod" \} \} # Payments Prod$/m,
  );
  assert.match(result.stderr, /30 ACTIVE accounts in 6 OUs below Root/);
  assert.match(
    result.stderr,
    new RegExp(`left out 1 account that is not ACTIVE: ${suspendedId} \\(Old Prod, SUSPENDED\\)`),
  );
});

test("discover --json: the same entries as the YAML, in a versioned document", async () => {
  const dir = await makeTempDir("discover-json");
  const yaml = await cli(["discover", "--ou-tier", "Prod=prod"], dir);
  const json = await cli(["discover", "--ou-tier", "Prod=prod", "--json"], dir);
  assert.equal(json.code, 0, json.stderr);
  const document = JSON.parse(json.stdout) as {
    version: number;
    root: { path: string };
    accounts: { name: string; id: string; tier: string | null; ou: string }[];
    inactive: { id: string; status: string }[];
    tiers: string[];
  };
  assert.equal(document.version, 1);
  assert.equal(document.root.path, "Root");
  const accounts = (parse(yaml.stdout) as { accounts: Record<string, Entry> }).accounts;
  assert.deepEqual(
    document.accounts.map((a) => [a.name, a.id, a.tier ?? undefined, a.ou]),
    Object.entries(accounts).map(([name, a]) => [name, a.id, a.tier, a.tags.ou]),
  );
  assert.deepEqual(document.inactive, [{ id: suspendedId, name: "Old Prod", status: "SUSPENDED" }]);
  assert.deepEqual(document.tiers, ["prod"]);
});

test("an --ou-tier that names no OU is an error and prints no YAML", async () => {
  const dir = await makeTempDir("discover-bad-tier");
  const result = await cli(["discover", "--ou-tier", "Prd=prod"], dir);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.match(
    result.stderr,
    /--ou-tier Prd=prod names no OU of the organization; did you mean Prod\?/,
  );
});

test("discover --merge adds the new accounts, keeps a hand-written comment and says which wave line to add", async () => {
  const dir = await makeTempDir("discover-merge");
  const original = [
    "# yaml-language-server: $schema=https://crossform.dev/schema/crossform.schema.json",
    "version: 1",
    "accounts:",
    "  # payments lives here: do not rename (hand-written)",
    `  payments: { id: "${prodId}", tier: prod, approval: required } # hand-written too`,
    "waves:",
    '  - ["tier:prod"]',
    "",
  ].join("\n");
  const path = join(dir, "crossform.yaml");
  await writeFile(path, original);
  const result = await cli(["discover", "--merge", "--ou-tier", "Prod=prod"], dir);
  assert.equal(result.code, 0, result.stderr);
  const merged = await readFile(path, "utf8");
  const lines = merged.split("\n");
  const added = lines.filter((line) => !original.split("\n").includes(line));
  assert.equal(added.length, 1 + 3 + SANDBOX_ACCOUNTS);
  assert.equal(lines.filter((line) => !added.includes(line)).join("\n"), original);
  assert.ok(merged.includes("  # payments lives here: do not rename (hand-written)\n"));
  assert.equal(await readFile(`${path}.crossform-backup`, "utf8"), original);
  const accounts = (parse(merged) as { accounts: Record<string, Entry> }).accounts;
  assert.deepEqual(accounts.payments, { id: prodId, tier: "prod", approval: "required" });
  assert.equal(accounts["payments-prod"], undefined);
  assert.match(
    result.stdout,
    new RegExp(`${prodId} is payments in crossform.yaml \\(discover names it payments-prod`),
  );
  const waveLine = /^ {2}- (\[.*\])$/m.exec(result.stdout)?.[1];
  assert.ok(waveLine?.includes("sandbox-25") && waveLine.includes("audit"), result.stdout);

  const invalid = await cli(["validate"], dir);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /config\/account-without-wave/);
  await writeFile(
    path,
    merged.replace('  - ["tier:prod"]\n', `  - ["tier:prod"]\n  - ${waveLine}\n`),
  );
  const valid = await cli(["validate"], dir);
  assert.equal(valid.code, 0, valid.stderr + valid.stdout);

  const again = await cli(["discover", "--merge"], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stdout,
    /already holds every ACTIVE account of the organization \(30\); nothing was changed/,
  );
});

test("init --from-organization writes a config that validate accepts, and never overwrites it", async () => {
  const dir = await makeTempDir("init-org");
  await writeFile(join(dir, ".gitignore"), "node_modules/");
  const result = await cli(
    ["init", "--from-organization", "--ou-tier", "Workloads=nonprod", "--ou-tier", "Prod=prod"],
    dir,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /wrote crossform.yaml with 30 accounts of the organization/);
  assert.match(result.stdout, /added \.crossform\/ to \.gitignore/);
  assert.equal(await readFile(join(dir, ".gitignore"), "utf8"), "node_modules/\n.crossform/\n");
  const written = await readFile(join(dir, "crossform.yaml"), "utf8");
  assert.ok(
    written.startsWith(
      "# yaml-language-server: $schema=https://crossform.dev/schema/crossform.schema.json\n",
    ),
  );
  const accounts = (parse(written) as { accounts: Record<string, Entry> }).accounts;
  assert.equal(Object.keys(accounts).length, 30);
  assert.equal(accounts["payments-prod"]?.tier, "prod");
  assert.equal(accounts["payments-dev"]?.tier, "nonprod");

  const valid = await cli(["validate"], dir);
  assert.equal(valid.code, 0, valid.stderr + valid.stdout);
  assert.match(valid.stdout, /valid: 30 accounts, 0 stacks/);

  const refused = await cli(["init"], dir);
  assert.equal(refused.code, 2);
  assert.match(
    refused.stderr,
    /crossform.yaml already exists; init never overwrites a configuration/,
  );
  assert.equal(await readFile(join(dir, "crossform.yaml"), "utf8"), written);
});

test("without an organization, discover fails with a hint on the identity to use", async () => {
  const dir = await makeTempDir("discover-no-org");
  await moto.reset();
  const result = await cli(["discover"], dir);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /cannot list the organization's accounts/);
  assert.match(result.stderr, /hint: .*management account or of a delegated administrator/);
});
