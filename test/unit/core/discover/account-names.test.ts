import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ACCOUNT_NAME_PATTERN,
  assignAccountNames,
  deriveAccountName,
  nameCandidates,
} from "../../../../src/core/discover/account-names.ts";

test("names are lowercased, other characters become one '-', ends trimmed", () => {
  assert.equal(deriveAccountName("Payments Prod", "1"), "payments-prod");
  assert.equal(deriveAccountName("  Sandbox: Ana (EU)  ", "1"), "sandbox-ana-eu");
  assert.equal(deriveAccountName("log_archive", "1"), "log_archive");
  assert.equal(deriveAccountName("--Shared--Services--", "1"), "shared-services");
  assert.equal(deriveAccountName("Über Café", "1"), "uber-cafe");
});

test("a name not starting with a letter gets account-, an empty one the id", () => {
  assert.equal(deriveAccountName("2024 Audit", "1"), "account-2024-audit");
  assert.equal(deriveAccountName("日本", "123456789012"), "account-123456789012");
  assert.equal(deriveAccountName("", "123456789012"), "account-123456789012");
});

test("long names are cut to 63 characters and still match the pattern", () => {
  const name = deriveAccountName(`${"a".repeat(62)} tail`, "1");
  assert.equal(name.length, 62);
  assert.match(name, ACCOUNT_NAME_PATTERN);
  for (const raw of ["x".repeat(100), `A${"-".repeat(70)}b`, "9".repeat(80)]) {
    assert.match(deriveAccountName(raw, "123456789012"), ACCOUNT_NAME_PATTERN, raw);
  }
});

test("accounts sharing a name all get the last 4 digits of their id", () => {
  const names = assignAccountNames([
    { id: "410000000001", organizationName: "Sandbox: Ana" },
    { id: "410000000002", organizationName: "sandbox ana" },
    { id: "500000000000", organizationName: "Audit" },
  ]);
  assert.deepEqual(Object.fromEntries(names), {
    "410000000001": "sandbox-ana-0001",
    "410000000002": "sandbox-ana-0002",
    "500000000000": "audit",
  });
});

test("the order of the accounts does not change their names", () => {
  const accounts = [
    { id: "410000000001", organizationName: "Sandbox" },
    { id: "410000000002", organizationName: "sandbox" },
  ];
  assert.deepEqual(
    Object.fromEntries(assignAccountNames(accounts)),
    Object.fromEntries(assignAccountNames([...accounts].reverse())),
  );
});

test("a name already taken in crossform.yaml is suffixed; the full id breaks a tie of 4 digits", () => {
  const names = assignAccountNames(
    [
      { id: "111100001234", organizationName: "Dev" },
      { id: "222200001234", organizationName: "dev" },
    ],
    new Set(["dev"]),
  );
  assert.equal(names.get("111100001234"), "dev-1234");
  assert.equal(names.get("222200001234"), "dev-222200001234");
});

test("a suffixed name never takes a name another account has on its own", () => {
  const names = assignAccountNames([
    { id: "100000001234", organizationName: "dev" },
    { id: "200000001234", organizationName: "Dev 1234" },
    { id: "300000005678", organizationName: "DEV" },
  ]);
  assert.equal(names.get("200000001234"), "dev-1234");
  assert.equal(names.get("100000001234"), "dev-100000001234");
  assert.equal(names.get("300000005678"), "dev-5678");
  assert.equal(new Set(names.values()).size, 3);
});

test("a suffix keeps long names within 63 characters", () => {
  const long = "p".repeat(70);
  const names = assignAccountNames([
    { id: "100000000001", organizationName: long },
    { id: "100000000002", organizationName: long },
  ]);
  for (const name of names.values()) {
    assert.equal(name.length, 63);
    assert.match(name, ACCOUNT_NAME_PATTERN);
  }
});

test("nameCandidates keeps the order and the data of the candidates", () => {
  const named = nameCandidates(
    [
      { id: "2", organizationName: "B", ou: "Root", tier: undefined },
      { id: "1", organizationName: "A", ou: "Root/X", tier: "dev" },
    ],
    new Set(["b"]),
  );
  assert.deepEqual(
    named.map((n) => [n.id, n.name, n.tier]),
    [
      ["2", "b-2", undefined],
      ["1", "a", "dev"],
    ],
  );
});
