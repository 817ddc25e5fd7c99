import assert from "node:assert/strict";
import { test } from "node:test";
import {
  accountsMatching,
  hasAccountTerms,
  matchesAccount,
  matchesStack,
  parseSelector,
  selectAccounts,
} from "../../../../src/core/units/selector.ts";
import type { SelectableAccount, Selector } from "../../../../src/core/units/selector.ts";

function selector(text: string): Selector {
  const parsed = parseSelector(text);
  assert.ok(parsed.ok, `${text}: ${parsed.ok ? "" : parsed.error}`);
  return parsed.selector;
}

function parseError(text: string): string {
  const parsed = parseSelector(text);
  assert.equal(parsed.ok, false, `${text} should be refused`);
  return parsed.ok ? "" : parsed.error;
}

const accounts: SelectableAccount[] = [
  { name: "dev", tier: "dev", tags: { team: "pay" } },
  { name: "staging", tier: "staging", tags: { team: "pay", region: "eu" } },
  { name: "prod", tier: "prod", tags: { team: "pay" } },
  { name: "prod-web", tier: "prod", tags: { team: "web" } },
  { name: "shared", tier: "shared", tags: {} },
];

function pick(text: string): string[] {
  return selectAccounts([selector(text)], accounts);
}

test("each kind of term parses", () => {
  assert.deepEqual(selector("dev").terms, [{ kind: "name", name: "dev" }]);
  assert.deepEqual(selector("tier:prod").terms, [{ kind: "tier", tier: "prod" }]);
  assert.deepEqual(selector("tag:team=pay").terms, [{ kind: "tag", key: "team", value: "pay" }]);
  assert.deepEqual(selector("tag:team").terms, [{ kind: "tag", key: "team", value: undefined }]);
  assert.deepEqual(selector("tag:team=").terms, [{ kind: "tag", key: "team", value: "" }]);
  assert.deepEqual(selector("stack:app").terms, [{ kind: "stack", stack: "app" }]);
});

test("a comma list keeps its text and trims its terms", () => {
  const s = selector("dev, tier:prod ,stack:app");
  assert.equal(s.text, "dev, tier:prod ,stack:app");
  assert.deepEqual(
    s.terms.map((t) => t.kind),
    ["name", "tier", "stack"],
  );
});

test("invalid selectors are refused with the offending part", () => {
  assert.match(parseError(""), /empty term/);
  assert.match(parseError("dev,,prod"), /empty term in selector "dev,,prod"/);
  assert.match(parseError("dev,"), /empty term/);
  assert.match(parseError("Dev"), /"Dev" is not an account name/);
  assert.match(parseError("1dev"), /is not an account name/);
  assert.match(parseError("tier:"), /"tier:" names no tier/);
  assert.match(parseError("stack:"), /names no stack/);
  assert.match(parseError("tag:"), /names no tag/);
  assert.match(parseError("tag:=pay"), /"tag:=pay" names no tag key/);
  assert.match(parseError("team:pay"), /unknown selector kind "team:"/);
  assert.match(
    parseError("dev,account:prod"),
    /unknown selector kind "account:" in "account:prod"/,
  );
});

test("an account name selects that account only", () => {
  assert.deepEqual(pick("prod"), ["prod"]);
  assert.deepEqual(pick("nobody"), []);
});

test("terms of one kind are OR-ed", () => {
  assert.deepEqual(pick("dev,shared"), ["dev", "shared"]);
  assert.deepEqual(pick("tier:dev,tier:prod"), ["dev", "prod", "prod-web"]);
  assert.deepEqual(pick("tag:team=web,tag:region=eu"), ["staging", "prod-web"]);
});

test("terms of different kinds are AND-ed", () => {
  assert.deepEqual(pick("tier:prod,tag:team=pay"), ["prod"]);
  assert.deepEqual(pick("tier:prod,tag:team=web"), ["prod-web"]);
  assert.deepEqual(pick("dev,tier:prod"), []);
  assert.deepEqual(pick("tier:prod,tier:staging,tag:team=pay"), ["staging", "prod"]);
  assert.deepEqual(pick("prod,prod-web,tag:team=web"), ["prod-web"]);
});

test("tag:key selects every account that has the tag, whatever its value", () => {
  assert.deepEqual(pick("tag:team"), ["dev", "staging", "prod", "prod-web"]);
  assert.deepEqual(pick("tag:region"), ["staging"]);
  assert.deepEqual(pick("tag:owner"), []);
});

test("tag values must match exactly", () => {
  assert.deepEqual(pick("tag:team=Pay"), []);
  assert.deepEqual(pick("tag:team=pa"), []);
});

test("stack: terms do not restrict accounts, only stacks", () => {
  const s = selector("stack:app,tier:prod");
  assert.equal(matchesAccount(s, accounts[2]!), true);
  assert.equal(matchesAccount(s, accounts[0]!), false);
  assert.equal(matchesStack(s, "app"), true);
  assert.equal(matchesStack(s, "network"), false);
  assert.equal(matchesStack(selector("stack:app,stack:dns"), "dns"), true);
  assert.equal(matchesStack(selector("tier:prod"), "anything"), true);
});

test("a selector of stack: terms alone has no account terms", () => {
  assert.equal(hasAccountTerms(selector("stack:app")), false);
  assert.equal(hasAccountTerms(selector("stack:app,dev")), true);
  assert.equal(hasAccountTerms(selector("tag:team")), true);
  assert.equal(matchesAccount(selector("stack:app"), accounts[4]!), true);
});

test("a list of selectors is a union, in account order", () => {
  assert.deepEqual(selectAccounts([selector("shared"), selector("tier:dev")], accounts), [
    "dev",
    "shared",
  ]);
  assert.deepEqual(selectAccounts([], accounts), []);
});

test("accountsMatching: a single name is looked up; other selectors match in account order", () => {
  const accounts = new Map<string, SelectableAccount>(
    ["dev", "stg", "prod"].map((name) => [
      name,
      { name, tier: name === "prod" ? "prod" : "dev", tags: {} },
    ]),
  );
  const names = (text: string) => accountsMatching(selector(text), accounts).map((a) => a.name);
  assert.deepEqual(names("stg"), ["stg"]);
  assert.deepEqual(names("nope"), []);
  assert.deepEqual(names("prod,dev"), ["dev", "prod"]);
  assert.deepEqual(names("tier:dev"), ["dev", "stg"]);
  assert.deepEqual(names("stg,tier:prod"), []);
  assert.deepEqual(names("stack:app"), ["dev", "stg", "prod"]);
});
