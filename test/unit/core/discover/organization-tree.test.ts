import assert from "node:assert/strict";
import { test } from "node:test";
import { compareNames, walkOrganization } from "../../../../src/core/discover/organization-tree.ts";
import { FakeOrganization, sampleOrganization } from "../../../helpers/fake-organization.ts";

test("every ACTIVE account is found with the OU path of its parent, in tree order", async () => {
  const tree = await walkOrganization(sampleOrganization());
  assert.deepEqual(
    tree.accounts.map((a) => [a.id, a.parent.path]),
    [
      ["123456789012", "Root"],
      ["410000000001", "Root/Sandbox"],
      ["410000000002", "Root/Sandbox"],
      ["210000000001", "Root/Security"],
      ["320000000001", "Root/Workloads/NonProd/Dev"],
      ["330000000001", "Root/Workloads/NonProd/Staging"],
      ["310000000001", "Root/Workloads/Prod"],
    ],
  );
  assert.equal(tree.accounts.find((a) => a.id === "320000000001")?.parent.depth, 3);
});

test("suspended accounts are left out of the accounts and listed as inactive", async () => {
  const tree = await walkOrganization(sampleOrganization());
  assert.equal(
    tree.accounts.some((a) => a.id === "310000000002"),
    false,
  );
  assert.deepEqual(
    tree.inactive.map((a) => [a.id, a.status, a.parent.path]),
    [["310000000002", "SUSPENDED", "Root/Workloads/Prod"]],
  );
});

test("the walk lists each parent once: two calls per node plus ListRoots, none per account", async () => {
  const organization = sampleOrganization();
  const tree = await walkOrganization(organization);
  assert.equal(tree.nodes.length, 8);
  assert.equal(organization.calls.length, 1 + 2 * tree.nodes.length);
  assert.equal(organization.calls.filter((c) => c === "ListRoots").length, 1);
  const parents = organization.calls.filter((c) => c.startsWith("ListAccountsForParent"));
  assert.equal(new Set(parents).size, parents.length);
});

test("OUs are walked breadth-first: a level is listed before the next one", async () => {
  const organization = sampleOrganization();
  const tree = await walkOrganization(organization, { concurrency: 1 });
  const idOf = (path: string): string => tree.nodes.find((n) => n.path === path)?.id ?? "";
  const order = organization.calls
    .filter((c) => c.startsWith("ListAccountsForParent"))
    .map((c) => c.split(" ")[1]);
  const position = (path: string): number => order.indexOf(idOf(path));
  assert.ok(position("Root/Sandbox") < position("Root/Workloads/Prod"));
  assert.ok(position("Root/Workloads/Prod") < position("Root/Workloads/NonProd/Dev"));
});

test("nodes carry their names and ids from the root down", async () => {
  const tree = await walkOrganization(sampleOrganization());
  const dev = tree.nodes.find((n) => n.path === "Root/Workloads/NonProd/Dev");
  assert.deepEqual(dev?.names, ["Root", "Workloads", "NonProd", "Dev"]);
  assert.equal(dev?.ids.length, 4);
  assert.equal(dev?.ids[0], "r-ab12");
  assert.equal(tree.nodes[0]?.path, "Root");
});

test("a failing list call rejects the walk with its error", async () => {
  const organization = sampleOrganization();
  organization.listAccountsForParent = () => Promise.reject(new Error("denied"));
  await assert.rejects(walkOrganization(organization), /denied/);
});

test("an account listed under two parents (moved mid-walk) counts once", async () => {
  const organization = new FakeOrganization({
    name: "Root",
    accounts: [["111111111111", "Moving"]],
    ous: [{ name: "Target", accounts: [["111111111111", "Moving"]] }],
  });
  const tree = await walkOrganization(organization);
  assert.equal(tree.accounts.length, 1);
});

test("paths sort segment by segment", () => {
  assert.ok(compareNames(["Root", "A", "B"], ["Root", "A-B"]) < 0);
  assert.ok(compareNames(["Root"], ["Root", "A"]) < 0);
  assert.equal(compareNames(["Root", "A"], ["Root", "A"]), 0);
});
