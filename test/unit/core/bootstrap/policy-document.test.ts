import assert from "node:assert/strict";
import { test } from "node:test";
import {
  canonicalPolicy,
  hasStatement,
  parsePolicy,
  policiesEqual,
  stableStringify,
} from "../../../../src/core/bootstrap/policy-document.ts";
import type { PolicyDocument } from "../../../../src/core/bootstrap/policy-document.ts";

const tls: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
};

test("parsePolicy reads a single statement object as a one-element list", () => {
  const parsed = parsePolicy(
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject"}}',
  );
  assert.deepEqual(parsed?.Statement, [{ Effect: "Allow", Action: "s3:GetObject" }]);
  assert.equal(parsed?.Version, "2012-10-17");
});

test("parsePolicy decodes the URL-encoded documents IAM returns", () => {
  const text = encodeURIComponent(JSON.stringify(tls));
  assert.ok(text.startsWith("%7B"));
  assert.ok(policiesEqual(parsePolicy(text) as PolicyDocument, tls));
});

test("parsePolicy refuses text that is not a policy document", () => {
  assert.equal(parsePolicy("not json"), undefined);
  assert.equal(parsePolicy("[1,2]"), undefined);
  assert.equal(parsePolicy('{"Version":"2012-10-17"}'), undefined);
  assert.equal(parsePolicy('{"Statement":[1]}'), undefined);
  assert.equal(parsePolicy("%E0%A4%A"), undefined);
});

test("policies equal in meaning compare equal: order, single values, case, Sid, principal '*'", () => {
  const rewritten: PolicyDocument = {
    Statement: [
      {
        Condition: { Bool: { "AWS:SecureTransport": false } },
        Resource: ["arn:aws:s3:::b/*", "arn:aws:s3:::b", "arn:aws:s3:::b"],
        Action: ["S3:*"],
        Principal: { AWS: ["*"] },
        Effect: "Deny",
      },
    ],
    Version: "2012-10-17",
  };
  assert.ok(policiesEqual(tls, rewritten));
  assert.equal(canonicalPolicy(tls), canonicalPolicy(rewritten));
});

test("statement order and duplicates do not matter; a changed value does", () => {
  const a: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "sts:AssumeRole" },
      { Effect: "Deny", Principal: "*", Action: "s3:*" },
    ],
  };
  const b: PolicyDocument = { Version: "2012-10-17", Statement: [...a.Statement].reverse() };
  assert.ok(policiesEqual(a, b));
  const c: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::2:root" }, Action: "sts:AssumeRole" },
      { Effect: "Deny", Principal: "*", Action: "s3:*" },
    ],
  };
  assert.equal(policiesEqual(a, c), false);
});

test("a missing condition, a different condition value or another version differ", () => {
  const base = tls.Statement[0] as Record<string, unknown>;
  const withoutCondition = { ...base };
  delete withoutCondition["Condition"];
  assert.equal(policiesEqual(tls, { Version: "2012-10-17", Statement: [withoutCondition] }), false);
  const other = { ...base, Condition: { Bool: { "aws:SecureTransport": "true" } } };
  assert.equal(policiesEqual(tls, { Version: "2012-10-17", Statement: [other] }), false);
  assert.equal(policiesEqual(tls, { Version: "2008-10-17", Statement: tls.Statement }), false);
  // No Version means the 2008 language, as AWS reads it.
  assert.ok(
    policiesEqual(
      { Statement: tls.Statement },
      { Version: "2008-10-17", Statement: tls.Statement },
    ),
  );
});

test("hasStatement finds an equal statement among others", () => {
  const document: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Mine",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::1:root" },
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::b/*",
      },
      { ...(tls.Statement[0] as Record<string, unknown>), Sid: "Renamed" },
    ],
  };
  assert.ok(hasStatement(document, tls.Statement[0] as Record<string, unknown>));
  assert.equal(
    hasStatement(
      { Statement: [document.Statement[0] as Record<string, unknown>] },
      tls.Statement[0] as Record<string, unknown>,
    ),
    false,
  );
});

test("stableStringify sorts keys at every level and drops undefined properties", () => {
  assert.equal(
    stableStringify({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }),
    '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}',
  );
});
