/**
 * `discover --merge`: new accounts go into an existing crossform.yaml as text inserted at the
 * end of `accounts:`; every other byte of the file stays as it was (comments, order, quoting,
 * flow style, blank lines). Entries take the style of their neighbours: one flow line each when
 * most existing entries are flow maps (or there are none), else block maps. The result is
 * parsed again and must read as the old file plus the new entries, or nothing is returned.
 */
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { Node as YamlNode, Pair, YAMLMap } from "yaml";
import { CrossformError } from "../errors.ts";
import { nameCandidates } from "./account-names.ts";
import type { AccountCandidate } from "./account-names.ts";
import { OU_TAG, renderBlockEntry, renderFlowEntry } from "./render-accounts.ts";
import type { AccountEntry } from "./render-accounts.ts";
import { planWaves } from "./wave-plan.ts";
import type { WavePlan } from "./wave-plan.ts";

/** A discovered account whose id crossform.yaml already holds: left exactly as it is. */
export interface KnownAccount {
  id: string;
  /** Its name in crossform.yaml. */
  name: string;
  /** The name plain `discover` prints for it, when different: the entry was named by hand. */
  derivedName: string | undefined;
  organizationName: string;
}

/** What a merge does. */
export interface MergeResult {
  /** The new file text; equal to the input when nothing is added. */
  text: string;
  /** The entries added, in file order. */
  added: AccountEntry[];
  /** Discovered accounts already configured (by id), under whichever name. */
  known: KnownAccount[];
  /** Where the added accounts land among the waves. */
  waves: WavePlan;
}

type Range = [number, number, number];

function rangeOf(node: YamlNode | null | undefined): Range | undefined {
  return (node as { range?: Range } | null | undefined)?.range ?? undefined;
}

/** The id of an entry as written; a YAML number is padded back to 12 digits. */
function writtenId(value: unknown): string | undefined {
  const id = isMap(value) ? value.get("id") : undefined;
  if (typeof id === "string") return id;
  if (typeof id === "number" && Number.isInteger(id)) return String(id).padStart(12, "0");
  return undefined;
}

function fail(message: string, file: string, counter: LineCounter, offset: number): never {
  const pos = counter.linePos(offset);
  throw new CrossformError("discover/cannot-merge", "user", message, {
    position: { file, line: pos.line, column: pos.col },
    hint: "fix the file (crossform validate shows where), or print the entries with `crossform discover` and add them by hand",
  });
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** The file's own line ending: CRLF when it uses it, else LF. */
function lineEnding(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

/** Inserts `lines` as new lines after the line holding `offset`, with the file's line ending. */
function insertAfterLine(text: string, offset: number, lines: string[]): string {
  const eol = lineEnding(text);
  if (offset > 0 && text[offset - 1] === "\n") {
    return `${text.slice(0, offset)}${lines.map((l) => `${l}${eol}`).join("")}${text.slice(offset)}`;
  }
  const newline = text.indexOf("\n", offset);
  let at = newline < 0 ? text.length : newline;
  if (at > 0 && text[at - 1] === "\r") at -= 1;
  return `${text.slice(0, at)}${lines.map((l) => `${eol}${l}`).join("")}${text.slice(at)}`;
}

function entryLines(
  entries: AccountEntry[],
  indent: string,
  step: string,
  flow: boolean,
): string[] {
  return entries.flatMap((entry) =>
    flow
      ? [`${indent}${renderFlowEntry(entry)}`]
      : renderBlockEntry(entry, `${indent}${step}`).map((line, i) =>
          i === 0 ? `${indent}${line}` : line,
        ),
  );
}

/** The text with `entries` placed into the `accounts:` pair (or a new one at the end). */
function insertEntries(
  text: string,
  root: YAMLMap,
  pair: Pair | undefined,
  entries: AccountEntry[],
  file: string,
  counter: LineCounter,
): string {
  if (pair === undefined) {
    if (root.flow)
      fail(
        "the top level of the file is a flow map ({ ... }); merge needs it in block style",
        file,
        counter,
        rangeOf(root)?.[0] ?? 0,
      );
    const eol = lineEnding(text);
    const body = entryLines(entries, "  ", "  ", true);
    const base = text === "" || text.endsWith("\n") ? text : `${text}${eol}`;
    return `${base}accounts:${eol}${body.map((l) => `${l}${eol}`).join("")}`;
  }
  const value = pair.value as YamlNode | null;
  const keyRange = rangeOf(pair.key as YamlNode);
  const keyColumn = keyRange ? keyRange[0] - lineStart(text, keyRange[0]) : 0;
  const blockIndent = " ".repeat(keyColumn + 2);

  const replaceWithBlock = (start: number, end: number): string => {
    // The value's text (`~`, `{}`, or nothing) goes; the entries become the key's block.
    const lines = entryLines(entries, blockIndent, "  ", true);
    if (start === end) return insertAfterLine(text, start, lines);
    const before = text.slice(0, start).replace(/[ \t]+$/, "");
    return insertAfterLine(`${before}${text.slice(end)}`, before.length, lines);
  };
  if (value === null || (isScalar(value) && value.value === null)) {
    const end = keyRange?.[1] ?? 0;
    const range = rangeOf(value) ?? [end, end, end];
    return replaceWithBlock(range[0], range[1]);
  }
  if (!isMap(value)) {
    fail(
      "`accounts:` is not a map of account names to entries",
      file,
      counter,
      rangeOf(value)?.[0] ?? 0,
    );
  }
  const range = rangeOf(value);
  if (!range) fail("`accounts:` has no position in the file", file, counter, 0);

  if (value.flow) {
    const last = value.items.at(-1);
    if (last === undefined) return replaceWithBlock(range[0], range[1]);
    const end = rangeOf(last.value as YamlNode)?.[1] ?? rangeOf(last.key as YamlNode)?.[1];
    if (end === undefined)
      fail("the last entry of `accounts:` has no position in the file", file, counter, range[0]);
    const inserted = entries.map((e) => `, ${renderFlowEntry(e, { comment: false })}`).join("");
    return `${text.slice(0, end)}${inserted}${text.slice(end)}`;
  }

  const firstKey = rangeOf(value.items[0]?.key as YamlNode);
  if (!firstKey)
    fail("the first entry of `accounts:` has no position in the file", file, counter, range[0]);
  const indent = text.slice(lineStart(text, firstKey[0]), firstKey[0]);
  if (!/^ *$/.test(indent)) {
    fail(
      "`accounts:` entries do not start their own lines; merge needs one entry per line",
      file,
      counter,
      firstKey[0],
    );
  }
  const styles = value.items.map((item) => isMap(item.value) && item.value.flow === true);
  const flow = styles.filter(Boolean).length * 2 >= styles.length;
  let step = indent.length > keyColumn ? " ".repeat(indent.length - keyColumn) : "  ";
  const block = value.items.find(
    (item) => isMap(item.value) && !item.value.flow && item.value.items.length > 0,
  );
  const nestedKey =
    block && isMap(block.value) ? rangeOf(block.value.items[0]?.key as YamlNode) : undefined;
  if (nestedKey) {
    const nested = nestedKey[0] - lineStart(text, nestedKey[0]);
    if (nested > indent.length) step = " ".repeat(nested - indent.length);
  }
  return insertAfterLine(text, range[1], entryLines(entries, indent, step, flow));
}

function jsonOf(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return undefined;
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}

/**
 * Adds the `candidates` whose ids the file does not hold yet to its `accounts:` map. New
 * accounts are named by the rule of {@link nameCandidates}, avoiding every name in the file.
 * Throws a user error (with the position) when the file cannot be read as a YAML map, or when
 * `accounts:` is not a map.
 */
export function mergeAccounts(
  text: string,
  candidates: readonly AccountCandidate[],
  file: string,
): MergeResult {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first)
    fail(`${file} is not valid YAML: ${first.message.split("\n")[0]}`, file, counter, first.pos[0]);
  const root = doc.contents;
  if (!isMap(root))
    fail(`${file} does not hold a map of settings (version, accounts, ...)`, file, counter, 0);

  const pair = root.items.find((item) => isScalar(item.key) && item.key.value === "accounts");
  const existing = pair && isMap(pair.value) ? pair.value.items : [];
  const nameById = new Map<string, string>();
  const taken = new Set<string>();
  for (const item of existing) {
    const name = isScalar(item.key) ? String(item.key.value) : String(item.key);
    taken.add(name);
    const id = writtenId(item.value);
    if (id !== undefined && !nameById.has(id)) nameById.set(id, name);
  }

  const fresh = candidates.filter((c) => !nameById.has(c.id));
  const added: AccountEntry[] = nameCandidates(fresh, taken);
  // The name plain `discover` prints for the account (clashes among the candidates included).
  const printed = new Map(nameCandidates(candidates).map((c) => [c.id, c.name]));
  const known: KnownAccount[] = candidates
    .filter((c) => nameById.has(c.id))
    .map((c) => {
      const name = nameById.get(c.id) as string;
      const derivedName = printed.get(c.id);
      return {
        id: c.id,
        name,
        derivedName: derivedName === name ? undefined : derivedName,
        organizationName: c.organizationName,
      };
    });
  const waves = planWaves(
    added,
    (doc.toJS({ maxAliasCount: 1000 }) as { waves?: unknown } | null)?.waves,
  );
  if (added.length === 0) return { text, added, known, waves };

  const merged = insertEntries(text, root, pair, added, file, counter);
  // The merged file must read as the old one plus the new entries, and nothing else.
  const expected = jsonOf(text) as Record<string, unknown>;
  const accounts = { ...((expected.accounts ?? {}) as Record<string, unknown>) };
  for (const entry of added) {
    accounts[entry.name] = {
      id: entry.id,
      ...(entry.tier !== undefined ? { tier: entry.tier } : {}),
      tags: { [OU_TAG]: entry.ou },
    };
  }
  const want = JSON.stringify({ ...expected, accounts });
  const got = JSON.stringify(jsonOf(merged));
  if (got !== want) {
    throw new CrossformError(
      "discover/merge-check",
      "internal",
      `adding the accounts to ${file} would change more than the accounts: map; the file was not changed`,
      {
        hint: "print the entries with `crossform discover` and add them by hand, and report this file's layout as a crossform bug",
      },
    );
  }
  return { text: merged, added, known, waves };
}
