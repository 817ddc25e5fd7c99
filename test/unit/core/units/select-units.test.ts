import assert from "node:assert/strict";
import { test } from "node:test";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import type { Config } from "../../../../src/core/config/model.ts";
import { parseSelector } from "../../../../src/core/units/selector.ts";
import { selectUnits, unitMatches } from "../../../../src/core/units/select-units.ts";
import type { SelectionRequest } from "../../../../src/core/units/select-units.ts";
import type { UnitSet } from "../../../../src/core/units/units.ts";

const text = [
  "version: 1",
  "accounts:",
  '  dev: { id: "111111111111", tier: dev, tags: { team: pay } }',
  '  staging: { id: "222222222222", tier: staging, tags: { team: pay } }',
  '  prod: { id: "333333333333", tier: prod, tags: { team: pay }, regions: [us-east-1, eu-west-1] }',
  '  prod-web: { id: "555555555555", tier: prod, tags: { team: web } }',
  '  shared: { id: "444444444444", tier: shared }',
  "stacks:",
  '  network: { path: stacks/network, accounts: ["tier:dev", "tier:staging", "tier:prod"] }',
  "  app: { path: stacks/app, accounts: [dev, staging, prod], depends_on: [network] }",
  "  dns: { path: stacks/dns, mode: multi-account, home: shared, accounts: [shared, prod] }",
  "",
].join("\n");

const read = readConfigText(text, "crossform.yaml");
assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics, null, 2));
const config: Config = read.config;
const set: UnitSet = read.units;

function ids(request: SelectionRequest): string[] {
  const result = selectUnits(config, set, request);
  assert.ok(result.ok, result.ok ? "" : `${result.message} (${result.hint})`);
  return result.units.map((u) => u.id);
}

function refusal(request: SelectionRequest): { message: string; hint: string } {
  const result = selectUnits(config, set, request);
  assert.equal(result.ok, false, "expected the selection to be refused");
  return result.ok ? { message: "", hint: "" } : { message: result.message, hint: result.hint };
}

test("an empty request selects every unit, in config order", () => {
  assert.deepEqual(
    ids({}),
    set.units.map((u) => u.id),
  );
  assert.deepEqual(ids({ stacks: [], targets: [] }).length, set.units.length);
});

test("positional stacks select their units", () => {
  assert.deepEqual(ids({ stacks: ["app"] }), [
    "app/dev/us-east-1",
    "app/staging/us-east-1",
    "app/prod/us-east-1",
    "app/prod/eu-west-1",
  ]);
  assert.deepEqual(ids({ stacks: ["dns", "app"] }).length, 5);
});

test("--target by name, tier and tag", () => {
  assert.deepEqual(ids({ targets: ["staging"] }), [
    "network/staging/us-east-1",
    "app/staging/us-east-1",
  ]);
  assert.deepEqual(ids({ targets: ["tier:prod"] }), [
    "network/prod/us-east-1",
    "network/prod/eu-west-1",
    "network/prod-web/us-east-1",
    "app/prod/us-east-1",
    "app/prod/eu-west-1",
    "dns/shared/us-east-1",
  ]);
  assert.deepEqual(ids({ targets: ["tag:team=web"] }), ["network/prod-web/us-east-1"]);
});

test("terms of different kinds are AND-ed, of one kind OR-ed", () => {
  assert.deepEqual(ids({ targets: ["tier:prod,tag:team=pay"] }), [
    "network/prod/us-east-1",
    "network/prod/eu-west-1",
    "app/prod/us-east-1",
    "app/prod/eu-west-1",
    "dns/shared/us-east-1",
  ]);
  assert.deepEqual(ids({ targets: ["dev,staging,stack:app"] }), [
    "app/dev/us-east-1",
    "app/staging/us-east-1",
  ]);
  assert.deepEqual(ids({ targets: ["stack:network,stack:dns,tier:prod"] }), [
    "network/prod/us-east-1",
    "network/prod/eu-west-1",
    "network/prod-web/us-east-1",
    "dns/shared/us-east-1",
  ]);
});

test("several --target selectors are OR-ed", () => {
  assert.deepEqual(ids({ targets: ["dev", "tag:team=web"] }), [
    "network/dev/us-east-1",
    "network/prod-web/us-east-1",
    "app/dev/us-east-1",
  ]);
});

test("tag:key selects by the presence of the tag", () => {
  assert.deepEqual(
    ids({ targets: ["tag:team"] }).filter((id) => id.startsWith("dns/")),
    ["dns/shared/us-east-1"],
  );
  assert.equal(ids({ targets: ["tag:team"] }).length, set.units.length);
});

test("positional stacks and --target intersect", () => {
  assert.deepEqual(ids({ stacks: ["network"], targets: ["tier:prod"] }), [
    "network/prod/us-east-1",
    "network/prod/eu-west-1",
    "network/prod-web/us-east-1",
  ]);
  assert.deepEqual(ids({ stacks: ["app"], targets: ["stack:app,dev"] }), ["app/dev/us-east-1"]);
});

test("a multi-account unit is selected by any account it touches", () => {
  assert.deepEqual(ids({ targets: ["shared"] }), ["dns/shared/us-east-1"]);
  assert.ok(ids({ targets: ["prod"] }).includes("dns/shared/us-east-1"));
  assert.ok(!ids({ targets: ["dev"] }).includes("dns/shared/us-east-1"));
  const dns = set.byId.get("dns/shared/us-east-1");
  assert.ok(dns);
  const selector = (s: string) => {
    const parsed = parseSelector(s);
    assert.ok(parsed.ok);
    return parsed.selector;
  };
  assert.equal(unitMatches(selector("tier:prod"), dns, config), true);
  assert.equal(unitMatches(selector("tier:shared"), dns, config), true);
  assert.equal(unitMatches(selector("tier:dev"), dns, config), false);
  assert.equal(unitMatches(selector("stack:dns"), dns, config), true);
  assert.equal(unitMatches(selector("stack:app,prod"), dns, config), false);
});

test("a selector matching nothing is an error with a hint", () => {
  const r = refusal({ targets: ["tier:qa"] });
  assert.equal(r.message, 'selector "tier:qa" matches no unit');
  assert.match(r.hint, /crossform validate/);
  const tags = refusal({ targets: ["tag:team=web,tier:dev"] });
  assert.equal(tags.message, 'selector "tag:team=web,tier:dev" matches no unit');
});

test("a selection that intersects to nothing is an error naming the intersection", () => {
  const r = refusal({ stacks: ["dns"], targets: ["dev"] });
  assert.equal(r.message, "the selection matches no unit");
  assert.match(r.hint, /positional stacks and --target intersect/);
});

test("unknown accounts and stacks get a suggestion", () => {
  assert.deepEqual(refusal({ targets: ["prdo"] }), {
    message: 'no account named "prdo"',
    hint: 'did you mean "prod"?',
  });
  assert.deepEqual(refusal({ stacks: ["netwrok"] }), {
    message: 'no stack named "netwrok"',
    hint: 'did you mean "network"?',
  });
  assert.deepEqual(refusal({ targets: ["stack:ap"] }), {
    message: 'no stack named "ap"',
    hint: 'did you mean "stack:app"?',
  });
});

test("a stack's name where a selector takes an account gets the stack: selector", () => {
  assert.deepEqual(refusal({ targets: ["network"] }), {
    message:
      'no account named "network": "network" is a stack, and a selector\'s plain name is an account',
    hint: "select its units with stack:network",
  });
  assert.deepEqual(refusal({ targets: ["dev,app"] }).hint, "select its units with stack:app");
});

test("an unknown name with no close match lists what exists", () => {
  assert.deepEqual(refusal({ targets: ["billing"] }), {
    message: 'no account named "billing"',
    hint: "accounts: dev, staging, prod, prod-web, shared",
  });
  assert.deepEqual(refusal({ stacks: ["database"] }), {
    message: 'no stack named "database"',
    hint: "stacks: network, app, dns",
  });
});

test("an invalid selector is refused with the grammar", () => {
  const r = refusal({ targets: ["team:pay"] });
  assert.match(r.message, /unknown selector kind "team:"/);
  assert.match(r.hint, /tier:<tier>, tag:<key>=<value>, stack:<stack>/);
  assert.match(refusal({ targets: ["dev,,prod"] }).message, /empty term/);
});

test("a --target of unit ids selects exactly those units, alone or with positional stacks", () => {
  assert.deepEqual(ids({ targets: ["network/prod/eu-west-1"] }), ["network/prod/eu-west-1"]);
  assert.deepEqual(ids({ targets: ["app/dev/us-east-1, dns/shared/us-east-1"] }), [
    "app/dev/us-east-1",
    "dns/shared/us-east-1",
  ]);
  // Several --target are OR-ed, a unit id with a selector too.
  assert.deepEqual(ids({ targets: ["app/dev/us-east-1", "staging"] }), [
    "network/staging/us-east-1",
    "app/dev/us-east-1",
    "app/staging/us-east-1",
  ]);
  // Positional stacks still intersect.
  const result = selectUnits(config, set, { stacks: ["network"], targets: ["app/dev/us-east-1"] });
  assert.equal(result.ok, false);
});

test("an unknown unit id is refused with the closest id; unit ids and selector terms do not mix", () => {
  const unknown = refusal({ targets: ["network/prod/eu-west-2"] });
  assert.equal(unknown.message, 'no unit "network/prod/eu-west-2"');
  assert.match(unknown.hint, /network\/prod\/eu-west-1/);
  const mixed = refusal({ targets: ["network/dev/us-east-1,tier:prod"] });
  assert.match(mixed.message, /mixes unit ids with selector terms/);
  assert.match(mixed.hint, /--target of their own/);
});

test("a positional account, selector or unit id where stacks are expected gets the --target that selects it", () => {
  assert.deepEqual(refusal({ stacks: ["dev"] }), {
    message: 'no stack named "dev": "dev" is an account, and positional arguments are stack names',
    hint: "select it with -t dev (--target dev)",
  });
  assert.deepEqual(refusal({ stacks: ["tier:prod"] }), {
    message:
      'no stack named "tier:prod": "tier:prod" is a selector, and positional arguments are stack names',
    hint: "select it with -t tier:prod (--target tier:prod)",
  });
  assert.deepEqual(refusal({ stacks: ["app/dev/us-east-1"] }), {
    message:
      'no stack named "app/dev/us-east-1": "app/dev/us-east-1" is a unit id, and positional arguments are stack names',
    hint: "select it with -t app/dev/us-east-1 (--target app/dev/us-east-1)",
  });
});
