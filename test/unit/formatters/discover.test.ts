import assert from "node:assert/strict";
import { test } from "node:test";
import type { Discovery, MergeReport } from "../../../src/app/discover.ts";
import { discoverOrganization, parseOuTiers } from "../../../src/app/discover.ts";
import type { AccountEntry } from "../../../src/core/discover/render-accounts.ts";
import {
  formatDiscoverySummary,
  formatInit,
  formatMerge,
} from "../../../src/formatters/discover.ts";
import { sampleOrganization } from "../../helpers/fake-organization.ts";

const sandbox: AccountEntry = {
  name: "sandbox",
  id: "410000000001",
  tier: undefined,
  ou: "Root/Sandbox",
  organizationName: "Sandbox",
};

function report(extra: Partial<MergeReport>): MergeReport {
  return {
    path: "/repo/crossform.yaml",
    added: [sandbox],
    known: [],
    waves: { hasWaves: true, joined: [], inSeveral: [], unplaced: ["sandbox"], line: "[sandbox]" },
    wrote: true,
    backupPath: "crossform.yaml.crossform-backup",
    ...extra,
  };
}

async function discovery(...tiers: string[]): Promise<Discovery> {
  return discoverOrganization(sampleOrganization(), parseOuTiers(tiers));
}

test("the summary counts accounts and OUs, names the inactive ones and suggests --ou-tier", async () => {
  assert.equal(
    formatDiscoverySummary(await discovery()),
    [
      "7 ACTIVE accounts in 7 OUs below Root (r-ab12)",
      "left out 1 account that is not ACTIVE: 310000000002 (Old Prod, SUSPENDED)",
      "no tiers: map OUs to tiers with --ou-tier <OU name or path>=<tier>, e.g. --ou-tier Prod=prod",
      "",
    ].join("\n"),
  );
  assert.match(
    formatDiscoverySummary(await discovery("Workloads=app")),
    /^4 accounts below no mapped OU have no tier$/m,
  );
});

test("a merge lists what it added and the wave line to add", async () => {
  const text = formatMerge(report({}), "crossform.yaml", await discovery());
  assert.equal(
    text,
    [
      "added 1 account to crossform.yaml (previous file kept as crossform.yaml.crossform-backup):",
      "  sandbox  410000000001  -  Root/Sandbox  Sandbox",
      "waves: sandbox is in no wave; `crossform validate` fails until you add this line under waves: in crossform.yaml, where in the order they should deploy:",
      "  - [sandbox]",
      "",
    ].join("\n"),
  );
});

test("without waves, nothing is to add; joined and doubly selected accounts are named", async () => {
  const d = await discovery();
  assert.match(
    formatMerge(
      report({
        waves: { hasWaves: false, joined: [], inSeveral: [], unplaced: [], line: undefined },
      }),
      "crossform.yaml",
      d,
    ),
    /waves: crossform.yaml has no waves:, so the new accounts join the one implicit wave; nothing to add/,
  );
  const text = formatMerge(
    report({
      waves: {
        hasWaves: true,
        joined: [{ account: "sandbox", wave: 2, waveName: "sandboxes" }],
        inSeveral: [{ account: "other", waves: [1, 3] }],
        unplaced: [],
        line: undefined,
      },
    }),
    "crossform.yaml",
    d,
  );
  assert.match(text, /waves: sandbox joins wave 2 \(sandboxes\)/);
  assert.match(text, /waves: other is selected by waves 1 and 3; narrow one of them/);
  assert.doesNotMatch(text, /add this line/);
});

test("nothing new says so; accounts under hand-written names are listed, the first 20", async () => {
  const known = Array.from({ length: 23 }, (_, i) => ({
    id: String(100000000000 + i),
    name: `mine-${i}`,
    derivedName: `theirs-${i}`,
    organizationName: `Theirs ${i}`,
  }));
  const text = formatMerge(
    report({ added: [], known, wrote: false, backupPath: undefined }),
    "crossform.yaml",
    await discovery(),
  );
  const lines = text.trimEnd().split("\n");
  assert.equal(
    lines[0],
    "crossform.yaml already holds every ACTIVE account of the organization (7); nothing was changed",
  );
  assert.equal(lines[1], "left 23 accounts already in crossform.yaml as they are");
  assert.equal(
    lines[2],
    '  100000000000 is mine-0 in crossform.yaml (discover names it theirs-0, from "Theirs 0"); kept as mine-0',
  );
  assert.equal(lines.at(-1), "  ... and 3 more accounts under names of their own");
  assert.equal(lines.length, 2 + 20 + 1);
});

test("init says what it wrote and what to do with .gitignore", () => {
  const base = {
    path: "/r/crossform.yaml",
    accounts: 1,
    fromOrganization: false,
    schema: "x",
    gitignorePath: "/r/.gitignore",
  };
  assert.match(
    formatInit({ ...base, gitignore: "added" }, "crossform.yaml", ".gitignore"),
    /^added \.crossform\/ to \.gitignore$/m,
  );
  assert.match(
    formatInit({ ...base, gitignore: "none" }, "crossform.yaml", ".gitignore"),
    /^add \.crossform\/ to your \.gitignore/m,
  );
  assert.doesNotMatch(
    formatInit({ ...base, gitignore: "present" }, "crossform.yaml", ".gitignore"),
    /gitignore/,
  );
});
