/**
 * The `stacks:` section: each stack's accounts resolved, its home, references, dependencies and
 * targets checked against the accounts and the other stacks, its path relative, and no cycle in
 * `depends_on`.
 */
import { quote } from "../excerpt.ts";
import { didYouMean } from "./did-you-mean.ts";
import type { Account, Stack } from "./model.ts";
import { namesHint } from "./normalize-context.ts";
import type { NormalizeContext } from "./normalize-context.ts";
import type { SelectorResolver } from "./resolve-selectors.ts";
import type { WrittenConfig } from "./schema.ts";

/** The stacks, in the order written. */
export function normalizeStacks(
  ctx: NormalizeContext,
  written: WrittenConfig,
  accounts: ReadonlyMap<string, Account>,
  resolveSelectors: SelectorResolver,
): Map<string, Stack> {
  const accountNames = [...accounts.keys()];
  const stacks = new Map<string, Stack>();
  const writtenStacks = written.stacks ?? {};
  const stackNames = Object.keys(writtenStacks);
  for (const [name, s] of Object.entries(writtenStacks)) {
    const mode = s.mode ?? "per-account";
    const selected = resolveSelectors(s.accounts, ["stacks", name, "accounts"], `stack ${name}`, {
      allowStack: false,
    });
    if (mode === "multi-account") {
      if (s.home === undefined) {
        ctx.error(
          "config/missing-home",
          ["stacks", name],
          `multi-account stack ${name} has no \`home\``,
          "add `home: <account>`: the account that holds its one state",
        );
      } else if (!accounts.has(s.home)) {
        ctx.error(
          "config/unknown-account",
          ["stacks", name, "home"],
          `stack ${name}: home "${s.home}" is not a configured account`,
          `configured accounts: ${accountNames.join(", ")}`,
        );
      } else if (!selected.names.includes(s.home)) {
        ctx.error(
          "config/home-not-selected",
          ["stacks", name, "home"],
          `stack ${name}: home ${s.home} is not among its accounts`,
          `add ${s.home} to stacks.${name}.accounts`,
        );
      }
    } else if (s.home !== undefined) {
      ctx.error(
        "config/home-without-multi-account",
        ["stacks", name, "home"],
        `stack ${name} has \`home\` but is per-account`,
        "remove `home`, or set `mode: multi-account`",
      );
    }
    for (const [alias, target] of Object.entries(s.references ?? {})) {
      if (!/^[a-z][a-z0-9_]*$/.test(alias)) {
        ctx.error(
          "config/invalid-alias",
          ["stacks", name, "references", alias],
          `stack ${name}: reference alias "${alias}" is not a valid provider alias`,
          "use lowercase letters, digits and '_', starting with a letter",
          true,
        );
      }
      if (!accounts.has(target)) {
        const suggestion = didYouMean(target, accountNames);
        ctx.error(
          "config/unknown-account",
          ["stacks", name, "references", alias],
          `stack ${name}: reference ${alias} names no account "${target}"`,
          namesHint(suggestion, "accounts", accountNames),
        );
      }
    }
    for (const [i, dep] of (s.depends_on ?? []).entries()) {
      if (!(dep in writtenStacks)) {
        const suggestion = didYouMean(dep, stackNames);
        ctx.error(
          "config/unknown-stack",
          ["stacks", name, "depends_on", i],
          `stack ${name} depends on "${dep}", which is not a stack`,
          namesHint(suggestion, "stacks", stackNames),
        );
      } else if (dep === name) {
        ctx.error(
          "config/dependency-cycle",
          ["stacks", name, "depends_on", i],
          `stack ${name} depends on itself`,
          `remove ${name} from its own depends_on`,
        );
      }
    }
    const targetVars: Record<string, Record<string, unknown>> = {};
    for (const [accountName, target] of Object.entries(s.targets ?? {})) {
      if (!selected.names.includes(accountName) && accounts.has(accountName)) {
        ctx.error(
          "config/target-not-selected",
          ["stacks", name, "targets", accountName],
          `stack ${name}: targets.${accountName} is not one of the stack's accounts`,
          `add ${accountName} to stacks.${name}.accounts, or remove the target`,
          true,
        );
      } else if (!accounts.has(accountName)) {
        ctx.error(
          "config/unknown-account",
          ["stacks", name, "targets", accountName],
          `stack ${name}: targets names no account "${accountName}"`,
          `configured accounts: ${accountNames.join(", ")}`,
          true,
        );
      }
      targetVars[accountName] = target.vars ?? {};
    }
    stacks.set(name, {
      name,
      path: normalizeRelativePath(s.path),
      mode,
      home: s.home,
      accounts: selected.names,
      regions: s.regions ? [...new Set(s.regions)] : undefined,
      dependsOn: [...new Set(s.depends_on ?? [])],
      references: s.references ?? {},
      providers: s.providers,
      vars: s.vars ?? {},
      defaultTags: s.default_tags ?? {},
      targetVars,
    });
    checkStackPath(ctx, name, s.path);
  }
  checkSharedPaths(ctx, stacks);
  const cycle = findCycle(stacks);
  if (cycle) {
    ctx.error(
      "config/dependency-cycle",
      ["stacks", cycle[0] ?? "", "depends_on"],
      `depends_on forms a cycle: ${cycle.join(" -> ")}`,
      "remove one of these dependencies; stacks must form an order",
    );
  }

  return stacks;
}

/** Directories crossform never treats as a stack: git's own, and crossform's records. */
export const RESERVED_DIRECTORIES = [".git", ".crossform"];

/**
 * A stack's path must stay inside the configuration's directory (crossform generates files into
 * it), outside `.git` and `.crossform/`. This is the check on the text; symbolic links are
 * followed when the configuration is loaded (`app/stack-paths.ts`).
 */
function checkStackPath(ctx: NormalizeContext, name: string, path: string): void {
  const where = ["stacks", name, "path"];
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\")) {
    ctx.error(
      "config/absolute-path",
      where,
      `stack ${name}: path ${quote(path)} is absolute`,
      "write the path relative to crossform.yaml so the repository works on every machine",
    );
    return;
  }
  const normalized = normalizeRelativePath(path);
  if (normalized === ".." || normalized.startsWith("../")) {
    ctx.error(
      "config/path-outside",
      where,
      `stack ${name}: path ${quote(path)} leads outside the directory of crossform.yaml`,
      "keep every stack inside the directory of crossform.yaml (crossform writes generated files into it); move crossform.yaml up, or the stack in",
    );
    return;
  }
  const reserved = normalized
    .split("/")
    .find((part) => RESERVED_DIRECTORIES.includes(part.toLowerCase()));
  if (reserved !== undefined) {
    ctx.error(
      "config/path-reserved",
      where,
      `stack ${name}: path ${quote(path)} is inside ${reserved}, which belongs to ${reserved.toLowerCase() === ".git" ? "git" : "crossform's run records"}`,
      "point the stack at its own directory of Terraform code",
    );
  }
}

/** Two stacks on one directory would generate the same files with different contents. */
function checkSharedPaths(ctx: NormalizeContext, stacks: ReadonlyMap<string, Stack>): void {
  const byPath = new Map<string, string>();
  for (const [name, stack] of stacks) {
    const first = byPath.get(stack.path);
    if (first === undefined) {
      byPath.set(stack.path, name);
      continue;
    }
    ctx.error(
      "config/shared-stack-path",
      ["stacks", name, "path"],
      `stacks ${first} and ${name} have the same path ${quote(stack.path)}`,
      "give each stack a directory of its own: crossform generates each stack's provider, variables and per-unit files there",
    );
  }
}

function normalizeRelativePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.length === 0 ? "." : parts.join("/");
}

function findCycle(stacks: Map<string, Stack>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === "done") return undefined;
    if (s === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of stacks.get(name)?.dependsOn ?? []) {
      if (dep === name || !stacks.has(dep)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const name of stacks.keys()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}
