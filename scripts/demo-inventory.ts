// The demo's read-back: what `apply --all` of the quickstart must have created in each account,
// what each account holds (read through its own session, test/helpers/quickstart-inventory.ts),
// printed as lines, and the differences between the two.
import type { Config } from "../src/core/config/model.ts";
import type { Unit } from "../src/core/units/units.ts";
import type { Tags } from "../test/helpers/account-resources.ts";
import type { AccountInventory } from "../test/helpers/quickstart-inventory.ts";

/** The regions the base identity's own account is read in. */
export const BASE_REGIONS = ["us-east-1", "eu-west-1"];

/** What one account should hold: names (and values) only; tags are checked on their own. */
export interface ExpectedAccount {
  name: string;
  parameters: Record<string, { name: string; value: string }[]>;
  buckets: string[];
  roles: string[];
  /** Zone name -> the subzones it delegates. */
  zones: Record<string, string[]>;
}

/** The quickstart's resources per account after `apply --all`, from its configuration. */
export function expectedInventory(
  config: Config,
  units: readonly Unit[],
  zone: string,
): ExpectedAccount[] {
  const accounts = new Map<string, ExpectedAccount>();
  const entry = (name: string): ExpectedAccount => {
    let found = accounts.get(name);
    if (!found) {
      const regions = config.accounts.get(name)?.regions ?? [];
      found = {
        name,
        parameters: Object.fromEntries(regions.map((r) => [r, []])),
        buckets: [],
        roles: [],
        zones: {},
      };
      accounts.set(name, found);
    }
    return found;
  };
  for (const account of config.accounts.values()) entry(account.name);
  entry("base").parameters = Object.fromEntries(BASE_REGIONS.map((r) => [r, []]));
  const idOf = (name: string): string => config.accounts.get(name)?.id ?? "";
  for (const unit of units) {
    const own = entry(unit.account);
    if (unit.stack === "network") {
      const prefix =
        config.stacks.get("network")?.targetVars[unit.account]?.cidr_prefix ??
        config.stacks.get("network")?.vars.cidr_prefix;
      own.parameters[unit.region]?.push({
        name: "/quickstart/network/cidr_block",
        value: `${String(prefix)}.0.0/16`,
      });
      own.buckets.push(`quickstart-artifacts-${idOf(unit.account)}-${unit.region}`);
    } else if (unit.stack === "app") {
      own.roles.push(`quickstart-app-${unit.region}`);
      entry("shared").parameters["us-east-1"]?.push({
        name: `/quickstart/apps/${unit.account}/${unit.region}/role_arn`,
        value: `arn:aws:iam::${idOf(unit.account)}:role/quickstart-app-${unit.region}`,
      });
    } else if (unit.stack === "dns") {
      const subzones = (config.accounts.get("prod")?.regions ?? []).map((r) => `${r}.prod.${zone}`);
      entry("shared").zones[zone] = [...subzones].sort();
      for (const sub of subzones) entry("prod").zones[sub] = [];
    }
  }
  for (const account of accounts.values()) {
    for (const list of Object.values(account.parameters))
      list.sort((a, b) => a.name.localeCompare(b.name));
    account.buckets.sort();
    account.roles.sort();
  }
  return [...accounts.values()];
}

/** JSON with object keys sorted, so that key order does not count. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function tagText(tags: Tags): string {
  const pairs = Object.entries(tags).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? "no tags" : `tags ${pairs.join(", ")}`;
}

/** What the inventory shows, one line per resource, under a line per account. */
export function describeInventory(accounts: readonly AccountInventory[]): string[] {
  const lines: string[] = [];
  for (const account of accounts) {
    const base = account.name === "base";
    lines.push(
      base
        ? `the base identity's own account (${account.accountId}), with the base keys:`
        : `${account.name} (${account.accountId}), read through its own session:`,
    );
    const items: string[] = [];
    for (const [region, parameters] of Object.entries(account.parameters)) {
      for (const p of parameters)
        items.push(`ssm ${region}: ${p.name} = ${p.value} (${tagText(p.tags)})`);
    }
    for (const b of account.buckets) items.push(`s3: ${b.name} (${tagText(b.tags)})`);
    for (const r of account.roles) items.push(`iam: role ${r.name} (${tagText(r.tags)})`);
    for (const z of account.zones) {
      const delegated = Object.keys(z.delegations).sort();
      items.push(
        `route53: zone ${z.name} (${tagText(z.tags)})${delegated.length > 0 ? `, delegates ${delegated.join(" and ")}` : ""}`,
      );
    }
    lines.push(...(items.length > 0 ? items.map((i) => `  ${i}`) : ["  nothing"]));
  }
  return lines;
}

/** Every difference between what each account should hold and what it holds; empty when none. */
export function inventoryProblems(
  expected: readonly ExpectedAccount[],
  actual: readonly AccountInventory[],
  ids: Map<string, string>,
  tagsOf: (stack: string) => Tags,
): string[] {
  const problems: string[] = [];
  const byName = new Map(actual.map((a) => [a.name, a]));
  const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);
  for (const want of expected) {
    const got = byName.get(want.name);
    if (!got) {
      problems.push(`${want.name} was not read`);
      continue;
    }
    const where = `${want.name} (${got.accountId})`;
    if (want.name !== "base" && got.accountId !== ids.get(want.name)) {
      problems.push(`${want.name}'s session acted in ${got.accountId}, not ${ids.get(want.name)}`);
    }
    const parameters = Object.fromEntries(
      Object.entries(got.parameters).map(([r, list]) => [
        r,
        list.map((p) => ({ name: p.name, value: p.value })),
      ]),
    );
    if (!same(parameters, want.parameters)) {
      problems.push(
        `${where} holds the parameters ${JSON.stringify(parameters)}, expected ${JSON.stringify(want.parameters)}`,
      );
    }
    if (
      !same(
        got.buckets.map((b) => b.name),
        want.buckets,
      )
    ) {
      problems.push(
        `${where} holds the buckets ${got.buckets.map((b) => b.name).join(", ") || "none"}, expected ${want.buckets.join(", ") || "none"}`,
      );
    }
    if (
      !same(
        got.roles.map((r) => r.name),
        want.roles,
      )
    ) {
      problems.push(
        `${where} holds the roles ${got.roles.map((r) => r.name).join(", ") || "none"}, expected ${want.roles.join(", ") || "none"}`,
      );
    }
    const zones = Object.fromEntries(
      got.zones.map((z) => [z.name, Object.keys(z.delegations).sort()]),
    );
    if (!same(zones, want.zones)) {
      problems.push(
        `${where} holds the zones ${JSON.stringify(zones)}, expected ${JSON.stringify(want.zones)}`,
      );
    }
    const tagged = [
      ...Object.values(got.parameters)
        .flat()
        .map((p) => ({
          what: p.name,
          tags: p.tags,
          stack: p.name.startsWith("/quickstart/apps/") ? "app" : "network",
        })),
      ...got.buckets.map((b) => ({ what: b.name, tags: b.tags, stack: "network" })),
      ...got.roles.map((r) => ({ what: r.name, tags: r.tags, stack: "app" })),
      ...got.zones.map((z) => ({ what: z.name, tags: z.tags, stack: "dns" })),
    ];
    for (const { what, tags, stack } of tagged) {
      if (!same(tags, tagsOf(stack))) {
        problems.push(`${where}: ${what} has ${tagText(tags)}, expected ${tagText(tagsOf(stack))}`);
      }
    }
  }
  return problems;
}
