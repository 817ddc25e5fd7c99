import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DEFAULT_EXPECTED_RUN_SECONDS,
  MINIMUM_SESSION_SECONDS,
  checkSessionLifetime,
  formatSeconds,
} from "../../../../src/core/identity/session-lifetime.ts";

const now = new Date("2026-03-01T12:00:00Z");
const inMinutes = (m: number) => new Date(now.getTime() + m * 60_000);

test("defaults: 30 minutes expected, 5 minutes minimum (docs/contract.md section 5)", () => {
  assert.equal(DEFAULT_EXPECTED_RUN_SECONDS, 1800);
  assert.equal(MINIMUM_SESSION_SECONDS, 300);
});

test("unknown expiry is said as such, never guessed", () => {
  assert.deepEqual(checkSessionLifetime({ expiration: undefined, now }), {
    status: "unknown",
    remainingSeconds: undefined,
    expectedRunSeconds: 1800,
    message: "base session expiry unknown: the credentials do not say when they expire",
  });
});

test("a long session is fine", () => {
  const result = checkSessionLifetime({ expiration: inMinutes(55), now });
  assert.equal(result.status, "ok");
  assert.equal(result.remainingSeconds, 3300);
  assert.equal(result.message, "base session expires in 55 min (at 2026-03-01T12:55:00.000Z)");
});

test("a session ending before the expected run length is a warning", () => {
  const result = checkSessionLifetime({ expiration: inMinutes(29), now });
  assert.equal(result.status, "warning");
  assert.equal(
    result.message,
    "base session expires in 29 min (at 2026-03-01T12:29:00.000Z), before the expected run length of 30 min",
  );
  const longer = checkSessionLifetime({ expiration: inMinutes(55), now, expectedRunSeconds: 7200 });
  assert.equal(longer.status, "warning");
  assert.match(longer.message, /expected run length of 2 h$/);
  assert.equal(checkSessionLifetime({ expiration: inMinutes(30), now }).status, "ok");
});

test("under five minutes is refused; so is an expired session", () => {
  const short = checkSessionLifetime({ expiration: inMinutes(4), now });
  assert.equal(short.status, "refused");
  assert.equal(
    short.message,
    "base session expires in 4 min (at 2026-03-01T12:04:00.000Z), under the minimum of 5 min",
  );
  assert.equal(checkSessionLifetime({ expiration: inMinutes(5), now }).status, "warning");
  const gone = checkSessionLifetime({ expiration: inMinutes(-2), now });
  assert.equal(gone.status, "refused");
  assert.equal(gone.remainingSeconds, -120);
  assert.equal(gone.message, "base session expired 2 min ago (at 2026-03-01T11:58:00.000Z)");
  const custom = checkSessionLifetime({ expiration: inMinutes(8), now, minimumSeconds: 600 });
  assert.equal(custom.status, "refused");
});

test("durations read as people say them", () => {
  assert.equal(formatSeconds(0), "0 s");
  assert.equal(formatSeconds(59.9), "59 s");
  assert.equal(formatSeconds(60), "1 min");
  assert.equal(formatSeconds(3599), "59 min");
  assert.equal(formatSeconds(3600), "1 h");
  assert.equal(formatSeconds(3900), "1 h 5 min");
  assert.equal(formatSeconds(-5), "0 s");
});
