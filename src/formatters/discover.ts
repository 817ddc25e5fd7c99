/** `crossform discover` and `crossform init` as text for the operator. */
import type { Discovery, MergeReport } from "../app/discover.ts";
import type { InitReport } from "../app/init.ts";

/** Accounts under hand-written names listed one by one; more are counted. */
const RENAMED_SHOWN = 20;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map(
    (row) =>
      `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ")}`,
  );
}

/** The summary `discover` prints on stderr next to the YAML on stdout. */
export function formatDiscoverySummary(discovery: Discovery): string {
  const { tree } = discovery;
  const lines = [
    `${plural(tree.accounts.length, "ACTIVE account")} in ${plural(tree.nodes.length - 1, "OU")} below ${tree.nodes[0]?.path ?? "the root"} (${tree.nodes[0]?.id ?? "?"})`,
  ];
  if (tree.inactive.length > 0) {
    lines.push(
      `left out ${plural(tree.inactive.length, "account")} that ${tree.inactive.length === 1 ? "is" : "are"} not ACTIVE: ${tree.inactive.map((a) => `${a.id} (${a.name}, ${a.status})`).join(", ")}`,
    );
  }
  const untiered = discovery.candidates.filter((c) => c.tier === undefined).length;
  if (untiered > 0 && discovery.tiers.length === 0) {
    lines.push(
      "no tiers: map OUs to tiers with --ou-tier <OU name or path>=<tier>, e.g. --ou-tier Prod=prod",
    );
  } else if (untiered > 0) {
    lines.push(
      `${plural(untiered, "account")} below no mapped OU ${untiered === 1 ? "has" : "have"} no tier`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** What `discover --merge` did, and the wave line still to add. */
export function formatMerge(report: MergeReport, file: string, discovery: Discovery): string {
  const lines: string[] = [];
  if (report.added.length === 0) {
    lines.push(
      `${file} already holds every ACTIVE account of the organization (${discovery.candidates.length}); nothing was changed`,
    );
  } else {
    lines.push(
      `added ${plural(report.added.length, "account")} to ${file}${report.backupPath ? ` (previous file kept as ${report.backupPath})` : ""}:`,
      ...table(report.added.map((a) => [a.name, a.id, a.tier ?? "-", a.ou, a.organizationName])),
    );
  }
  const renamed = report.known.filter((k) => k.derivedName !== undefined);
  if (report.known.length > 0) {
    lines.push(`left ${plural(report.known.length, "account")} already in ${file} as they are`);
  }
  const shown = renamed.slice(0, RENAMED_SHOWN);
  lines.push(
    ...shown.map(
      (k) =>
        `  ${k.id} is ${k.name} in ${file} (discover names it ${k.derivedName}, from "${k.organizationName}"); kept as ${k.name}`,
    ),
  );
  if (renamed.length > shown.length) {
    lines.push(`  ... and ${renamed.length - shown.length} more accounts under names of their own`);
  }
  if (report.added.length === 0) return `${lines.join("\n")}\n`;
  const { waves } = report;
  if (!waves.hasWaves) {
    lines.push(
      `waves: ${file} has no waves:, so the new accounts join the one implicit wave; nothing to add`,
    );
    return `${lines.join("\n")}\n`;
  }
  for (const member of waves.joined) {
    lines.push(
      `waves: ${member.account} joins wave ${member.wave} (${member.waveName}) through its tier or tags`,
    );
  }
  for (const several of waves.inSeveral) {
    lines.push(
      `waves: ${several.account} is selected by waves ${several.waves.join(" and ")}; narrow one of them so it is in exactly one`,
    );
  }
  if (waves.line !== undefined) {
    lines.push(
      `waves: ${waves.unplaced.join(", ")} ${waves.unplaced.length === 1 ? "is" : "are"} in no wave; \`crossform validate\` fails until you add this line under waves: in ${file}, where in the order they should deploy:`,
      `  - ${waves.line}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** What `init` wrote. */
export function formatInit(report: InitReport, file: string, gitignoreFile: string): string {
  const lines = [
    report.fromOrganization
      ? `wrote ${file} with ${plural(report.accounts, "account")} of the organization`
      : `wrote ${file} with one example account: put your account ids in, or run \`crossform discover --merge\``,
  ];
  if (report.gitignore === "added") lines.push(`added .crossform/ to ${gitignoreFile}`);
  else if (report.gitignore === "none")
    lines.push(
      "add .crossform/ to your .gitignore: crossform keeps plans, logs and Terraform data there",
    );
  lines.push(
    "next: crossform validate, then crossform bootstrap --create-role and crossform verify",
  );
  return `${lines.join("\n")}\n`;
}

/** An account entry in JSON. */
function entryJson(entry: {
  name: string;
  id: string;
  tier: string | undefined;
  ou: string;
  organizationName: string;
}): Record<string, unknown> {
  return {
    name: entry.name,
    id: entry.id,
    tier: entry.tier ?? null,
    ou: entry.ou,
    organizationName: entry.organizationName,
  };
}

/**
 * `discover --json` (shape version 1): `{ version, root: { id, path }, accounts: [{ name, id, tier,
 * ou, organizationName }], inactive: [{ id, name, status }], tiers }`: the entries `discover`
 * prints as YAML.
 */
export function formatDiscoveryJson(discovery: Discovery): string {
  const root = discovery.tree.nodes[0];
  return `${JSON.stringify(
    {
      version: 1,
      root: root ? { id: root.id, path: root.path } : null,
      accounts: discovery.entries.map(entryJson),
      inactive: discovery.tree.inactive.map((a) => ({ id: a.id, name: a.name, status: a.status })),
      tiers: discovery.tiers,
    },
    null,
    2,
  )}\n`;
}

/**
 * `discover --merge --json` (shape version 1): `{ version, path, wrote, backupPath, added:
 * [entry], known: [{ name, id, derivedName, organizationName }], waves: { hasWaves, joined,
 * inSeveral, unplaced, line } }`.
 */
export function formatMergeJson(report: MergeReport): string {
  return `${JSON.stringify(
    {
      version: 1,
      path: report.path,
      wrote: report.wrote,
      backupPath: report.backupPath ?? null,
      added: report.added.map(entryJson),
      known: report.known.map((k) => ({
        name: k.name,
        id: k.id,
        derivedName: k.derivedName ?? null,
        organizationName: k.organizationName,
      })),
      waves: { ...report.waves, line: report.waves.line ?? null },
    },
    null,
    2,
  )}\n`;
}

/**
 * `init --json` (shape version 1): `{ version, path, accounts, fromOrganization, schema, gitignore:
 * added|present|none, gitignorePath }`.
 */
export function formatInitJson(report: InitReport): string {
  return `${JSON.stringify({ version: 1, ...report }, null, 2)}\n`;
}
