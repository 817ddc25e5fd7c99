import assert from "node:assert/strict";
import { test } from "node:test";
import { execConfirmation, namesTyped } from "../../../../src/core/run/approvals.ts";

test("a state change is confirmed by typing every account's name, in any order", () => {
  const confirmation = execConfirmation(["state", "rm", "a.b"], 3, ["dev", "prod"]);
  assert.equal(
    confirmation.question,
    "terraform state rm a.b changes the state of 3 units in accounts dev, prod: type their names, separated by commas, to confirm: ",
  );
  assert.equal(confirmation.confirms("prod, dev"), true);
  assert.equal(confirmation.confirms("dev"), false);
  assert.equal(confirmation.confirms("yes"), false);
  assert.equal(confirmation.confirms(undefined), false);
  const one = execConfirmation(["taint", "a.b"], 1, ["dev"]);
  assert.match(one.question, /in account dev: type its name to confirm: $/);
  assert.equal(one.confirms(" dev "), true);
});

test("above five accounts the operator types the number of units", () => {
  const accounts = ["a", "b", "c", "d", "e", "f"];
  const confirmation = execConfirmation(["import", "a.b", "id"], 7, accounts);
  assert.match(
    confirmation.question,
    /in 6 accounts: type the number of units \(7\) to confirm: $/,
  );
  assert.equal(confirmation.confirms("7"), true);
  assert.equal(confirmation.confirms(accounts.join(",")), false);
});

test("namesTyped ignores spaces and empty entries, never extra names", () => {
  assert.equal(namesTyped("b,, a ", ["a", "b"]), true);
  assert.equal(namesTyped("a,b,c", ["a", "b"]), false);
});
