/**
 * `accounts:` entries for discovered accounts (docs/decisions/0009): the id as a quoted string,
 * the tier when an `--ou-tier` mapping gave one, the OU path as the tag `ou` (so `tag:ou=...`
 * selects an OU's accounts), and the organization's own account name as a trailing comment.
 */
import { stringify } from "yaml";

/** One account as crossform.yaml will hold it. */
export interface AccountEntry {
  /** The crossform name (the key under `accounts:`). */
  name: string;
  id: string;
  tier: string | undefined;
  /** The OU path, `Root/Workloads/Prod`. */
  ou: string;
  /** The account's name in the organization, kept as a comment. */
  organizationName: string;
}

/** The tag key that holds an account's OU path. */
export const OU_TAG = "ou";

/** A scalar as YAML writes it plainly, quoted only when a plain scalar would read differently. */
export function yamlScalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** A double-quoted YAML scalar (JSON's escapes are YAML's). */
export function quoted(value: string): string {
  return JSON.stringify(value);
}

/** The organization name as a one-line comment (control characters become spaces). */
function comment(entry: AccountEntry): string {
  // eslint-disable-next-line no-control-regex
  const text = entry.organizationName.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return text === "" ? "" : ` # ${text}`;
}

function fields(entry: AccountEntry): [string, string][] {
  const result: [string, string][] = [["id", quoted(entry.id)]];
  if (entry.tier !== undefined) result.push(["tier", yamlScalar(entry.tier)]);
  result.push(["tags", `{ ${OU_TAG}: ${quoted(entry.ou)} }`]);
  return result;
}

/**
 * One entry on one line: `name: { id: "...", tier: prod, tags: { ou: "..." } } # Org name`
 * (without the comment when `comment` is false: inside a one-line flow map).
 */
export function renderFlowEntry(entry: AccountEntry, options: { comment?: boolean } = {}): string {
  const body = fields(entry)
    .map(([key, value]) => `${key}: ${value}`)
    .join(", ");
  return `${yamlScalar(entry.name)}: { ${body} }${options.comment === false ? "" : comment(entry)}`;
}

/** One entry as a block: the name line (with the comment), then one line per key at `indent`. */
export function renderBlockEntry(entry: AccountEntry, indent: string): string[] {
  return [
    `${yamlScalar(entry.name)}:${comment(entry)}`,
    ...fields(entry).map(([key, value]) => `${indent}${key}: ${value}`),
  ];
}

/** A whole `accounts:` block, one flow entry per line, as `discover` prints it. */
export function renderAccountsYaml(entries: readonly AccountEntry[]): string {
  if (entries.length === 0) return "accounts: {}\n";
  return `accounts:\n${entries.map((e) => `  ${renderFlowEntry(e)}\n`).join("")}`;
}
