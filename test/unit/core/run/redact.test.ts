import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createRedactor,
  MIN_SECRET_LENGTH,
  REDACTED,
  redactValue,
  secretForms,
  secretValuesOf,
} from "../../../../src/core/run/redact.ts";

const TOKEN =
  "FQoGZXIvYXdzEBYaDSjYd2sNbDYtv1oExV0ohYS5lt0UVtbs7QOuOqdpPlzpUshWrbJei/7nTLtrhnxDUvRZ02FzNw41Lio4camVXxQ17oam9/Ay3TEGORW1Ep6NsjbbFO6ARSDOnCK+xTEnkmF+bh2=";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/** The line Terraform 1.11's TF_LOG=trace writes for an STS AssumeRole response (checked here). */
const TRACE_XML =
  `  | <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
  `<AccessKeyId>ASIA************C6FV</AccessKeyId><SecretAccessKey>3ZAj********************************OiFB</SecretAccessKey>` +
  `<SessionToken>${TOKEN}</SessionToken><Expiration>2026-11-24T11:09:15.170Z</Expiration></Credentials>` +
  `</AssumeRoleResult></AssumeRoleResponse>`;

function noSecrets(text: string): void {
  assert.ok(!text.includes(TOKEN), `the token is gone from: ${text}`);
  assert.ok(!text.includes(SECRET), `the secret is gone from: ${text}`);
}

test("the STS response Terraform traces: SessionToken and SecretAccessKey elements", () => {
  const out = createRedactor().redactLine(TRACE_XML);
  noSecrets(out);
  assert.ok(out.includes(`<SessionToken>${REDACTED}</SessionToken>`));
  assert.ok(out.includes(`<SecretAccessKey>${REDACTED}</SecretAccessKey>`));
  assert.ok(out.includes("<Expiration>2026-11-24T11:09:15.170Z</Expiration>"), "the rest stays");
});

test("a SessionToken element broken over lines, as in pretty-printed XML", () => {
  const redactor = createRedactor();
  const text = [
    "<Credentials>",
    `  <SessionToken>${TOKEN.slice(0, 40)}`,
    `${TOKEN.slice(40, 90)}`,
    `${TOKEN.slice(90)}</SessionToken>`,
    "  <Expiration>soon</Expiration>",
  ].join("\n");
  const out = redactor.redactText(text);
  assert.ok(!out.includes(TOKEN.slice(0, 40)) && !out.includes(TOKEN.slice(40, 90)), out);
  assert.ok(!out.includes(TOKEN.slice(90)), out);
  assert.ok(out.includes("<Expiration>soon</Expiration>"), out);
  assert.ok(out.includes("</SessionToken>"), out);
});

test("JSON forms: plain, camel case, container credentials, embedded in a JSON string", () => {
  const redactor = createRedactor();
  for (const line of [
    `{"SessionToken": "${TOKEN}", "Expiration": "x"}`,
    `{"sessionToken":"${TOKEN}","secretAccessKey":"${SECRET}"}`,
    `{"AccessKeyId":"ASIAXXXXXXXXXXXXXXXX","SecretAccessKey":"${SECRET}","Token":"${TOKEN}"}`,
    `"body": "{\\"SessionToken\\":\\"${TOKEN}\\",\\"SecretAccessKey\\":\\"${SECRET}\\"}"`,
    `{"X-Amz-Security-Token": ["${TOKEN}"]}`,
  ]) {
    const out = redactor.redactLine(line);
    noSecrets(out);
    assert.ok(out.includes(REDACTED), out);
  }
  assert.equal(
    createRedactor().redactLine(`{"SessionToken": "${TOKEN}", "Expiration": "x"}`),
    `{"SessionToken": "${REDACTED}", "Expiration": "x"}`,
  );
});

test("X-Amz-Security-Token in a query string, a header and Terraform's logfmt field", () => {
  const encoded = encodeURIComponent(TOKEN);
  const cases = [
    [
      `GET /b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=${encoded}&X-Amz-Signature=abc`,
      `GET /b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=${REDACTED}&X-Amz-Signature=abc`,
    ],
    [`X-Amz-Security-Token: ${TOKEN}`, `X-Amz-Security-Token: ${REDACTED}`],
    [
      `http.request.header.x_amz_security_token="${TOKEN}" http.request.header.x_amz_date=20261124T105415Z`,
      `http.request.header.x_amz_security_token="${REDACTED}" http.request.header.x_amz_date=20261124T105415Z`,
    ],
  ];
  for (const [line, expected] of cases) {
    assert.equal(createRedactor().redactLine(line as string), expected);
  }
});

test("aws_session_token and aws_secret_access_key assignments: ini files and environment dumps", () => {
  const redactor = createRedactor();
  assert.equal(
    redactor.redactLine(`aws_session_token = ${TOKEN}`),
    `aws_session_token = ${REDACTED}`,
  );
  assert.equal(
    redactor.redactLine(`aws_secret_access_key='${SECRET}'`),
    `aws_secret_access_key='${REDACTED}'`,
  );
  assert.equal(redactor.redactLine(`AWS_SESSION_TOKEN=${TOKEN}`), `AWS_SESSION_TOKEN=${REDACTED}`);
  assert.equal(
    redactor.redactLine(`AWS_SECRET_ACCESS_KEY=${SECRET} AWS_REGION=us-east-1`),
    `AWS_SECRET_ACCESS_KEY=${REDACTED} AWS_REGION=us-east-1`,
  );
});

test("AKIA and ASIA access key ids keep their prefix only; other words stay", () => {
  const redactor = createRedactor();
  assert.equal(
    redactor.redactLine("Credential=ASIAY34FZKBOKMUTVV7A/20261124/us-east-1/sts/aws4_request"),
    `Credential=ASIA${REDACTED}/20261124/us-east-1/sts/aws4_request`,
  );
  assert.equal(redactor.redactLine("key AKIAIOSFODNN7EXAMPLE."), `key AKIA${REDACTED}.`);
  const plain = "Plan: 1 to add, 0 to change, 0 to destroy. AKIA is a prefix; ASIAN food.";
  assert.equal(redactor.redactLine(plain), plain);
});

test("exact secret values are redacted anywhere, also URL-encoded; short ones are ignored", () => {
  const redactor = createRedactor([SECRET, TOKEN, "test"]);
  const out = redactor.redactLine(
    `echo ${SECRET}; curl "https://x/?t=${encodeURIComponent(TOKEN)}"; a test run`,
  );
  assert.equal(out, `echo ${REDACTED}; curl "https://x/?t=${REDACTED}"; a test run`);
  assert.ok("test".length < MIN_SECRET_LENGTH);
});

test("a secret is redacted in each form text gives it: JSON-escaped, regex characters, and a wrapped multi-word value piece by piece", () => {
  const quoted = 'pa"ss\\word(1)+[x]*';
  const phrase = "correct-horse battery-staple-long";
  const redactor = createRedactor([quoted, phrase]);
  assert.equal(
    redactor.redactLine(`{"db_password":${JSON.stringify(quoted)}} raw ${quoted}.`),
    `{"db_password":"${REDACTED}"} raw ${REDACTED}.`,
  );
  // Terraform wraps long messages at spaces: the value arrives split over two lines.
  assert.equal(
    redactor.redactLine(`Error running command 'echo correct-horse`),
    `Error running command 'echo ${REDACTED}`,
  );
  assert.equal(
    redactor.redactLine(`│ battery-staple-long': exit status 1`),
    `│ ${REDACTED}': exit status 1`,
  );
  assert.deepEqual(secretForms("short"), [], "too short to redact: no forms at all");
  assert.deepEqual(secretForms("abc defghijkl"), ["abc defghijkl", "abc%20defghijkl", "defghijkl"]);
});

test("redactValue redacts every string of a value, keys kept, other leaves untouched", () => {
  const redactor = createRedactor([SECRET]);
  assert.deepEqual(
    redactValue({ [SECRET]: [`x ${SECRET}`, 3, true, null, { m: SECRET }] }, redactor),
    { [SECRET]: [`x ${REDACTED}`, 3, true, null, { m: REDACTED }] },
  );
});

test("a token seen in an STS response is redacted later wherever it appears, on any stream", () => {
  const redactor = createRedactor();
  const stderr = redactor.lineStream();
  const stdout = redactor.lineStream();
  assert.deepEqual(stderr.push(`${TRACE_XML}\n`).length, 1);
  const later = stdout.push(`the provisioner printed ${TOKEN} and ${TOKEN.slice(0, 30)}\n`);
  assert.deepEqual(later, [`the provisioner printed ${REDACTED} and ${TOKEN.slice(0, 30)}`]);
});

test("a stream split at every possible chunk boundary redacts exactly like the whole text", () => {
  const text = [
    "Initializing the backend...",
    TRACE_XML,
    `X-Amz-Security-Token: ${TOKEN}`,
    `{"SecretAccessKey":"${SECRET}"}`,
    "AKIAIOSFODNN7EXAMPLE done",
  ].join("\n");
  const whole = createRedactor([SECRET]).redactText(text).split("\n");
  const feed = (chunks: string[]): string[] => {
    const stream = createRedactor([SECRET]).lineStream();
    const lines = chunks.flatMap((chunk) => stream.push(chunk));
    return [...lines, ...stream.end()];
  };
  // Two chunks, cut at every position.
  for (let cut = 0; cut <= text.length; cut += 1) {
    assert.deepEqual(feed([text.slice(0, cut), text.slice(cut)]), whole, `cut at ${cut}`);
  }
  // Many small chunks.
  for (const size of [1, 3, 64]) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    const lines = feed(chunks);
    assert.deepEqual(lines, whole, `chunks of ${size}`);
    for (const line of lines) noSecrets(line);
  }
});

test("line ends: CRLF lines lose their CR; an unterminated last line comes out at end()", () => {
  const stream = createRedactor().lineStream();
  assert.deepEqual(stream.push(`a\r\nAKIAIOSFODNN7EXAMPLE\r\nlast without`), [
    "a",
    `AKIA${REDACTED}`,
  ]);
  assert.deepEqual(stream.push(" newline"), []);
  assert.deepEqual(stream.end(), ["last without newline"]);
  assert.deepEqual(stream.end(), []);
  assert.equal(
    createRedactor().redactText(`x AKIAIOSFODNN7EXAMPLE\r\ny\n`),
    `x AKIA${REDACTED}\r\ny\n`,
  );
});

test("secretValuesOf takes the credential variables of an environment, terraform's registry tokens too", () => {
  assert.deepEqual(
    secretValuesOf({
      TF_TOKEN_app_terraform_io: "registry-token-value",
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: TOKEN,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "container-token-value",
      AWS_REGION: "us-east-1",
      AWS_SECURITY_TOKEN: "",
      HOME: "/root",
    }),
    ["registry-token-value", "AKIAIOSFODNN7EXAMPLE", SECRET, TOKEN, "container-token-value"],
  );
});
