/**
 * Shell completion: what may come next on a crossform command line. The shell scripts
 * (completion-scripts.ts) pass the words typed so far to the hidden `crossform __complete`, which
 * answers with this: command names, a command's flags, or the values of the argument or flag
 * under the cursor (stacks, accounts, tiers, selectors, unit ids, waves, run ids), or a directive
 * to complete file or directory names. The logic lives here once for bash, zsh and fish.
 */

/** One flag of a command, as the command line parser knows it. */
export interface FlagSpec {
  /** Every spelling: `-t`, `--target`. */
  names: string[];
  /** Whether it takes a value (`--target <selector>`). */
  takesValue: boolean;
  /** The values it accepts, when it lists them (`--format`). */
  choices?: readonly string[];
}

/** One command (or subcommand). */
export interface CommandSpec {
  name: string;
  flags: FlagSpec[];
  /** The choices of its first argument, when it lists them (`ci github|gitlab`). */
  argumentChoices?: readonly string[];
  subcommands: CommandSpec[];
}

/** What the configuration (and the run records next to it) offer. */
export interface CompletionCatalog {
  stacks: string[];
  accounts: string[];
  /** Accounts with `approval: required`. */
  approvalAccounts: string[];
  tiers: string[];
  /** `key=value` pairs of the accounts' tags. */
  tags: string[];
  units: string[];
  /** Wave numbers and names. */
  waves: string[];
  /** Recorded run ids, newest first. */
  runs: string[];
}

/** An empty catalog: no configuration found. */
export const NO_CATALOG: CompletionCatalog = {
  stacks: [],
  accounts: [],
  approvalAccounts: [],
  tiers: [],
  tags: [],
  units: [],
  waves: [],
  runs: [],
};

/** What the shell should offer. */
export type Completion =
  | { kind: "words"; words: string[] }
  /** Complete file names (`--config`, `--report`, `lint PATH`). */
  | { kind: "files" }
  /** Complete directory names (`--chdir`). */
  | { kind: "directories" };

/** What a value stands for. */
type ValueKind =
  | "stacks"
  | "selectors"
  | "accounts"
  | "approval-accounts"
  | "units"
  | "waves"
  | "runs"
  | "files"
  | "directories";

/** The values of flags that take names from the configuration or the file system. */
const FLAG_VALUES: Record<string, ValueKind> = {
  "--target": "selectors",
  "--approve": "approval-accounts",
  "--wave": "waves",
  "--run": "runs",
  "--config": "files",
  "--chdir": "directories",
  "--report": "files",
  "--merge": "files",
  "--out": "files",
  "--output": "files",
};

/** What a command's positional arguments are. */
const POSITIONAL: Record<string, ValueKind> = {
  plan: "stacks",
  apply: "stacks",
  destroy: "stacks",
  drift: "stacks",
  output: "stacks",
  verify: "selectors",
  bootstrap: "selectors",
  explain: "units",
  runs: "runs",
  report: "runs",
  lint: "files",
};

/** Kinds whose values are comma lists. */
const LISTS = new Set<ValueKind>(["selectors", "approval-accounts", "units"]);

/** Every selector the catalog allows: accounts, tiers, tags, stacks, unit ids. */
function selectors(catalog: CompletionCatalog): string[] {
  return [
    ...catalog.accounts,
    ...catalog.tiers.map((t) => `tier:${t}`),
    ...catalog.tags.map((t) => `tag:${t}`),
    ...catalog.stacks.map((s) => `stack:${s}`),
    ...catalog.units,
  ];
}

function valuesOf(kind: ValueKind, catalog: CompletionCatalog): string[] {
  switch (kind) {
    case "stacks":
      return catalog.stacks;
    case "selectors":
      return selectors(catalog);
    case "accounts":
      return catalog.accounts;
    case "approval-accounts":
      return catalog.approvalAccounts;
    case "units":
      return catalog.units;
    case "waves":
      return catalog.waves;
    case "runs":
      return catalog.runs;
    case "files":
    case "directories":
      return [];
  }
}

/** The words of `values` that continue `current`; in a comma list, after its last comma. */
function matching(values: readonly string[], current: string, list: boolean): string[] {
  const comma = list ? current.lastIndexOf(",") : -1;
  const head = comma >= 0 ? current.slice(0, comma + 1) : "";
  const tail = current.slice(head.length);
  const taken = new Set(head.split(",").filter((v) => v !== ""));
  return [...new Set(values)]
    .filter((v) => v.startsWith(tail) && !taken.has(v))
    .map((v) => `${head}${v}`);
}

function valueCompletion(kind: ValueKind, current: string, catalog: CompletionCatalog): Completion {
  if (kind === "files") return { kind: "files" };
  if (kind === "directories") return { kind: "directories" };
  return {
    kind: "words",
    words: matching(valuesOf(kind, catalog), current, LISTS.has(kind)),
  };
}

function flagOf(command: CommandSpec, word: string): FlagSpec | undefined {
  return command.flags.find((f) => f.names.includes(word));
}

/** The kind of a flag's value: by its long name. */
function flagKind(flag: FlagSpec): ValueKind | undefined {
  for (const name of flag.names) {
    const kind = FLAG_VALUES[name];
    if (kind) return kind;
  }
  return undefined;
}

function flagValue(flag: FlagSpec, current: string, catalog: CompletionCatalog): Completion {
  if (flag.choices) return { kind: "words", words: matching(flag.choices, current, false) };
  const kind = flagKind(flag);
  return kind ? valueCompletion(kind, current, catalog) : { kind: "words", words: [] };
}

/**
 * The completion of the last word of `words` (the words after `crossform`, the last one being the
 * word under the cursor, possibly empty).
 */
export function completeWords(
  commands: CommandSpec[],
  words: readonly string[],
  catalog: CompletionCatalog,
): Completion {
  const current = words.at(-1) ?? "";
  const before = words.slice(0, -1);
  if (before.length === 0)
    return {
      kind: "words",
      words: matching(
        commands.map((c) => c.name),
        current,
        false,
      ),
    };
  let command = commands.find((c) => c.name === before[0]);
  if (!command) return { kind: "words", words: [] };
  let rest = before.slice(1);
  const sub = command.subcommands.find((c) => c.name === rest[0]);
  if (sub) {
    command = sub;
    rest = rest.slice(1);
  }
  // `--flag=value`
  const eq = current.indexOf("=");
  if (current.startsWith("--") && eq > 0) {
    const flag = flagOf(command, current.slice(0, eq));
    if (flag?.takesValue) {
      const value = flagValue(flag, current.slice(eq + 1), catalog);
      return value.kind === "words"
        ? { kind: "words", words: value.words.map((w) => `${current.slice(0, eq + 1)}${w}`) }
        : value;
    }
  }
  const previous = rest.at(-1);
  const pending = previous === undefined ? undefined : flagOf(command, previous);
  if (pending?.takesValue) return flagValue(pending, current, catalog);
  if (current.startsWith("-")) {
    const flags = command.flags.flatMap((f) => f.names);
    return { kind: "words", words: matching(flags, current, false) };
  }
  // A command with subcommands (`runs prune`) offers them where its first argument goes.
  const positional =
    sub || rest.some((w) => !w.startsWith("-")) ? [] : command.subcommands.map((c) => c.name);
  if (command.argumentChoices) {
    positional.push(...command.argumentChoices);
    return { kind: "words", words: matching(positional, current, false) };
  }
  const kind = POSITIONAL[command.name];
  if (!kind) return { kind: "words", words: matching(positional, current, false) };
  const values = valueCompletion(kind, current, catalog);
  return values.kind === "words"
    ? { kind: "words", words: [...matching(positional, current, false), ...values.words] }
    : values;
}
