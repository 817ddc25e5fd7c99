import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { CrossformError } from "../../../../src/core/errors.ts";
import {
  MANAGED_BLOCK_END,
  MANAGED_BLOCK_START,
  applyManagedBlock,
  parseAwsConfigSections,
  profileKeyValues,
  readAwsProfiles,
  renderManagedBlock,
  validateProfileSpecs,
} from "../../../../src/core/profiles/aws-config-block.ts";
import type { AwsProfileSpec } from "../../../../src/core/profiles/aws-config-block.ts";

const fixture = (scenario: string, file = "config"): string =>
  readFileSync(new URL(`../../../fixtures/profiles/${scenario}/${file}`, import.meta.url), "utf8");

const bytes = (text: string): Buffer => Buffer.from(text, "utf8");

const dev: AwsProfileSpec = {
  name: "dev",
  roleArn: "arn:aws:iam::111111111111:role/TerraformDeploy",
  sourceProfile: "base",
  roleSessionName: "crossform-dev",
  region: "us-east-1",
};
const prod: AwsProfileSpec = {
  name: "prod",
  roleArn: "arn:aws:iam::222222222222:role/TerraformDeploy",
  sourceProfile: "base",
  roleSessionName: "crossform-prod",
  externalId: "acme-prod",
  durationSeconds: 3600,
  region: "eu-west-1",
};
const configPath = "/home/ops/.aws/config";
const block = renderManagedBlock([dev, prod], { configPath });

/** Splits a text at its managed block: what comes before, the block, what comes after. */
function around(text: string): { before: string; block: string; after: string } {
  const start = text.indexOf(MANAGED_BLOCK_START);
  const endMarker = text.indexOf(MANAGED_BLOCK_END);
  assert.ok(start >= 0 && endMarker > start, "the text holds one managed block");
  let end = endMarker + MANAGED_BLOCK_END.length;
  if (text.startsWith("\r\n", end)) end += 2;
  else if (text.startsWith("\n", end)) end += 1;
  return { before: text.slice(0, start), block: text.slice(start, end), after: text.slice(end) };
}

describe("renderManagedBlock", () => {
  test("writes the markers and one section per profile with keys in a fixed order", () => {
    assert.equal(
      block,
      [
        MANAGED_BLOCK_START,
        "[profile dev]",
        "role_arn = arn:aws:iam::111111111111:role/TerraformDeploy",
        "source_profile = base",
        "role_session_name = crossform-dev",
        "region = us-east-1",
        "",
        "[profile prod]",
        "role_arn = arn:aws:iam::222222222222:role/TerraformDeploy",
        "source_profile = base",
        "role_session_name = crossform-prod",
        "external_id = acme-prod",
        "duration_seconds = 3600",
        "region = eu-west-1",
        MANAGED_BLOCK_END,
        "",
      ].join("\n"),
    );
  });

  test("gives the same bytes for the same input, whatever order the spec's keys were written in", () => {
    const reordered: AwsProfileSpec = {
      region: "eu-west-1",
      durationSeconds: 3600,
      externalId: "acme-prod",
      roleSessionName: "crossform-prod",
      sourceProfile: "base",
      roleArn: "arn:aws:iam::222222222222:role/TerraformDeploy",
      name: "prod",
    };
    assert.equal(renderManagedBlock([dev, reordered], { configPath }), block);
  });

  test("writes credential_source and the OIDC base profile's web_identity_token_file", () => {
    const text = renderManagedBlock(
      [
        {
          name: "crossform-base",
          roleArn: "arn:aws:iam::123456789012:role/GitHubActions",
          webIdentityTokenFile: "/tmp/web-identity-token",
          roleSessionName: "crossform-ci",
        },
        { name: "ci-dev", roleArn: dev.roleArn, sourceProfile: "crossform-base" },
        {
          name: "env-dev",
          roleArn: dev.roleArn,
          credentialSource: "Environment",
          region: "us-east-1",
        },
      ],
      { configPath },
    );
    assert.equal(
      text,
      [
        MANAGED_BLOCK_START,
        "[profile crossform-base]",
        "role_arn = arn:aws:iam::123456789012:role/GitHubActions",
        "web_identity_token_file = /tmp/web-identity-token",
        "role_session_name = crossform-ci",
        "",
        "[profile ci-dev]",
        "role_arn = arn:aws:iam::111111111111:role/TerraformDeploy",
        "source_profile = crossform-base",
        "",
        "[profile env-dev]",
        "role_arn = arn:aws:iam::111111111111:role/TerraformDeploy",
        "credential_source = Environment",
        "region = us-east-1",
        MANAGED_BLOCK_END,
        "",
      ].join("\n"),
    );
  });

  test("writes a profile named default as the [default] section", () => {
    const text = renderManagedBlock([{ ...dev, name: "default" }], { configPath });
    assert.match(text, /^\[default\]$/m);
    assert.doesNotMatch(text, /\[profile default\]/);
  });

  test("an empty list gives a block with only the markers", () => {
    assert.equal(
      renderManagedBlock([], { configPath }),
      `${MANAGED_BLOCK_START}\n${MANAGED_BLOCK_END}\n`,
    );
  });

  const invalid: [string, AwsProfileSpec[], string][] = [
    ["a name with a space", [{ ...dev, name: "my dev" }], "profiles/invalid-name"],
    ["a name with a bracket", [{ ...dev, name: "dev]" }], "profiles/invalid-name"],
    ["a name given twice", [dev, { ...dev }], "profiles/duplicate-name"],
    [
      "two credential sources",
      [{ ...dev, credentialSource: "Environment" }],
      "profiles/conflicting-sources",
    ],
    ["no credential source", [{ name: "dev", roleArn: dev.roleArn }], "profiles/missing-source"],
    [
      "a profile that is its own source",
      [{ ...dev, sourceProfile: "dev" }],
      "profiles/self-source",
    ],
    [
      "a role ARN that is not one",
      [{ ...dev, roleArn: "TerraformDeploy" }],
      "profiles/invalid-role-arn",
    ],
    [
      "a value spanning lines",
      [{ ...dev, sourceProfile: "base\n[profile evil]" }],
      "profiles/invalid-value",
    ],
    [
      "a session name with a space",
      [{ ...dev, roleSessionName: "crossform dev" }],
      "profiles/invalid-session-name",
    ],
    ["a duration below 15 minutes", [{ ...dev, durationSeconds: 60 }], "profiles/invalid-duration"],
    [
      "a duration that is not whole",
      [{ ...dev, durationSeconds: 1000.5 }],
      "profiles/invalid-duration",
    ],
    [
      "an external id of one character",
      [{ ...dev, externalId: "x" }],
      "profiles/invalid-external-id",
    ],
    ["a region that is not one", [{ ...dev, region: "US East" }], "profiles/invalid-region"],
    [
      "an unknown credential source",
      [{ name: "dev", roleArn: dev.roleArn, credentialSource: "Ec2" as "Environment" }],
      "profiles/invalid-credential-source",
    ],
  ];
  for (const [what, profiles, code] of invalid) {
    test(`refuses ${what} with ${code}, naming the config file`, () => {
      assert.throws(
        () => renderManagedBlock(profiles, { configPath }),
        (error: unknown) => {
          assert.ok(error instanceof CrossformError);
          assert.equal(error.code, code);
          assert.equal(error.source, "user");
          assert.ok(error.message.includes(configPath), error.message);
          assert.ok(error.hint !== undefined && error.hint.length > 0);
          return true;
        },
      );
    });
  }

  test("validateProfileSpecs reports every problem, not only the first", () => {
    const diagnostics = validateProfileSpecs(
      [
        { ...dev, name: "a b" },
        { ...prod, durationSeconds: 1 },
      ],
      configPath,
    );
    assert.deepEqual(
      diagnostics.map((diagnostic) => diagnostic.code),
      ["profiles/invalid-name", "profiles/invalid-duration"],
    );
    assert.deepEqual(validateProfileSpecs([dev, prod], configPath), []);
  });
});

describe("parseAwsConfigSections", () => {
  test("finds every section of a real-world config with its kind, name and line", () => {
    assert.deepEqual(
      parseAwsConfigSections(fixture("real-world")).map(({ kind, name, line }) => ({
        kind,
        name,
        line,
      })),
      [
        { kind: "default", name: "default", line: 4 },
        { kind: "sso-session", name: "my-sso", line: 9 },
        { kind: "profile", name: "a", line: 14 },
        { kind: "services", name: "local", line: 21 },
        { kind: "profile", name: "local", line: 28 },
      ],
    );
  });

  test("an indented bracket line that continues a value is not a section", () => {
    const text = "[services x]\ns3 =\n  endpoint_url = http://h\n  [not-a-section]\n[profile y]\n";
    assert.deepEqual(
      parseAwsConfigSections(text).map((section) => section.header),
      ["services x", "profile y"],
    );
  });

  test("reads profile names the way the AWS CLI does: spacing and quotes do not matter", () => {
    const sections = parseAwsConfigSections(
      '[profile   spaced]\n[profile "quoted"]\n[profile]\n[weird thing]\n',
    );
    assert.deepEqual(
      sections.map(({ kind, name }) => `${kind}:${name}`),
      ["profile:spaced", "profile:quoted", "other:profile", "other:weird thing"],
    );
  });

  test("counts lines across CRLF and a byte order mark", () => {
    const sections = parseAwsConfigSections("\uFEFF[default]\r\nregion = x\r\n\r\n[profile b]");
    assert.deepEqual(
      sections.map(({ name, line }) => `${name}@${line}`),
      ["default@1", "b@4"],
    );
  });
});

describe("applyManagedBlock", () => {
  test("creates the file's text from the block when the file is missing or empty", () => {
    assert.deepEqual(applyManagedBlock(undefined, block, configPath), {
      text: block,
      changed: true,
      diagnostics: [],
    });
    assert.deepEqual(applyManagedBlock("", block, configPath), {
      text: block,
      changed: true,
      diagnostics: [],
    });
  });

  test("appends to a real-world config after one blank line, every other byte kept", () => {
    const original = fixture("real-world");
    const result = applyManagedBlock(original, block, configPath);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.changed, true);
    assert.equal(Buffer.compare(bytes(result.text), bytes(fixture("real-world", "expected"))), 0);
    const parts = around(result.text);
    assert.equal(Buffer.compare(bytes(parts.before), bytes(`${original}\n`)), 0);
    assert.equal(parts.block, block);
    assert.equal(parts.after, "");
  });

  test("a second apply with the same block changes nothing", () => {
    for (const scenario of ["real-world", "crlf", "no-trailing-newline", "block-in-middle"]) {
      const first = applyManagedBlock(fixture(scenario), block, configPath);
      const second = applyManagedBlock(first.text, block, configPath);
      assert.equal(second.changed, false, scenario);
      assert.equal(Buffer.compare(bytes(second.text), bytes(first.text)), 0, scenario);
      assert.deepEqual(second.diagnostics, [], scenario);
    }
  });

  test("keeps CRLF line endings and writes the block with them too", () => {
    const original = fixture("crlf");
    assert.ok(original.includes("\r\n"), "the fixture kept its CRLF line endings");
    const result = applyManagedBlock(original, block, configPath);
    const parts = around(result.text);
    assert.equal(Buffer.compare(bytes(parts.before), bytes(`${original}\r\n`)), 0);
    assert.equal(parts.block, block.replaceAll("\n", "\r\n"));
    assert.doesNotMatch(parts.block, /[^\r]\n/);
  });

  test("ends a last line that had no line break before appending", () => {
    const original = fixture("no-trailing-newline");
    assert.ok(!original.endsWith("\n"), "the fixture has no final line break");
    const result = applyManagedBlock(original, block, configPath);
    assert.equal(result.text, `${original}\n\n${block}`);
  });

  test("appends right after a file that already ends with a blank line", () => {
    const original = "[default]\nregion = us-east-1\n\n";
    assert.equal(applyManagedBlock(original, block, configPath).text, original + block);
  });

  test("appends to a file holding only comments", () => {
    const original = fixture("only-comments");
    const result = applyManagedBlock(original, block, configPath);
    assert.equal(result.text, `${original}\n${block}`);
    assert.deepEqual(result.diagnostics, []);
  });

  test("replaces an existing block in place, the text around it byte for byte", () => {
    const original = fixture("block-in-middle");
    const result = applyManagedBlock(original, block, configPath);
    assert.equal(result.changed, true);
    const was = around(original);
    const now = around(result.text);
    assert.equal(Buffer.compare(bytes(now.before), bytes(was.before)), 0);
    assert.equal(Buffer.compare(bytes(now.after), bytes(was.after)), 0);
    assert.equal(now.block, block);
    assert.doesNotMatch(result.text, /profile old/);
    assert.equal(result.text, fixture("block-in-middle", "expected"));
  });

  test("replaces a block in a CRLF file with a CRLF block", () => {
    const original =
      "[default]\r\nregion = x\r\n\r\n" +
      renderManagedBlock([dev], { configPath }).replaceAll("\n", "\r\n") +
      "\r\n[profile base]\r\n";
    const result = applyManagedBlock(original, block, configPath);
    const was = around(original);
    const now = around(result.text);
    assert.equal(now.before, was.before);
    assert.equal(now.after, was.after);
    assert.equal(now.block, block.replaceAll("\n", "\r\n"));
  });

  test("keeps a block at the end of a file without a final line break that way", () => {
    const original = `[default]\n\n${renderManagedBlock([dev], { configPath })}`.slice(0, -1);
    const result = applyManagedBlock(original, block, configPath);
    assert.equal(result.text, `[default]\n\n${block.slice(0, -1)}`);
    assert.equal(applyManagedBlock(result.text, block, configPath).changed, false);
  });

  test("a profile defined inside the old block is not a clash", () => {
    const first = applyManagedBlock(fixture("real-world"), block, configPath);
    const changed = renderManagedBlock([dev, { ...prod, region: "us-west-2" }], { configPath });
    const second = applyManagedBlock(first.text, changed, configPath);
    assert.deepEqual(second.diagnostics, []);
    assert.equal(second.changed, true);
    assert.match(second.text, /region = us-west-2/);
  });

  test("refuses a profile that is already defined outside the block, naming file and line", () => {
    const original = fixture("clash");
    const result = applyManagedBlock(original, block, configPath);
    assert.equal(result.changed, false);
    assert.equal(result.text, original);
    assert.equal(result.diagnostics.length, 1);
    const [diagnostic] = result.diagnostics;
    assert.equal(diagnostic?.severity, "error");
    assert.equal(diagnostic?.code, "profiles/name-clash");
    assert.deepEqual(diagnostic?.position, { file: configPath, line: 5, column: 1 });
    assert.match(
      diagnostic?.message ?? "",
      /"dev".*\/home\/ops\/\.aws\/config:5 \(\[profile dev\]\)/,
    );
    assert.match(diagnostic?.hint ?? "", /profiles\.prefix/);
  });

  test("refuses a profile named default when [default] exists outside the block", () => {
    const spec = { ...dev, name: "default" };
    const result = applyManagedBlock(
      fixture("clash-default"),
      renderManagedBlock([spec], { configPath }),
      configPath,
    );
    assert.equal(result.changed, false);
    assert.equal(result.diagnostics[0]?.code, "profiles/name-clash");
    assert.equal(result.diagnostics[0]?.position?.line, 2);
  });

  test("sees a clash through the AWS CLI's spelling variants of a profile header", () => {
    const result = applyManagedBlock('[profile  "prod"]\nregion = x\n', block, configPath);
    assert.equal(result.diagnostics[0]?.code, "profiles/name-clash");
    assert.match(result.diagnostics[0]?.message ?? "", /"prod"/);
  });

  const broken: [string, string, number, RegExp][] = [
    ["unterminated-block", "profiles/unterminated-block", 4, /add the line "# <<< crossform/],
    ["unopened-block", "profiles/unopened-block", 4, /add the line "# >>> crossform/],
    ["two-blocks", "profiles/several-blocks", 1, /except one/],
  ];
  for (const [scenario, code, line, hint] of broken) {
    test(`refuses broken markers (${scenario}) and says how to fix them`, () => {
      const original = fixture(scenario);
      const result = applyManagedBlock(original, block, configPath);
      assert.equal(result.changed, false);
      assert.equal(result.text, original);
      assert.equal(result.diagnostics.length, 1);
      assert.equal(result.diagnostics[0]?.code, code);
      assert.equal(result.diagnostics[0]?.position?.line, line);
      assert.ok(result.diagnostics[0]?.message.includes(configPath));
      assert.match(result.diagnostics[0]?.hint ?? "", hint);
    });
  }

  test("the several-blocks message lists every marker line", () => {
    const result = applyManagedBlock(fixture("two-blocks"), block, configPath);
    assert.match(
      result.diagnostics[0]?.message ?? "",
      /config:1, \/home\/ops\/\.aws\/config:5, \/home\/ops\/\.aws\/config:10, \/home\/ops\/\.aws\/config:14/,
    );
  });

  test("refuses keys that follow the block outside any section", () => {
    const original = fixture("keys-after-block");
    const result = applyManagedBlock(original, block, configPath);
    assert.equal(result.changed, false);
    assert.equal(result.diagnostics[0]?.code, "profiles/keys-after-block");
    assert.equal(result.diagnostics[0]?.position?.line, 9);
    assert.match(result.diagnostics[0]?.message ?? "", /"output = json".*\[profile prod\]/);
  });

  test("refuses a block that renderManagedBlock did not make", () => {
    assert.throws(
      () => applyManagedBlock("", "[profile dev]\n", configPath),
      (error: unknown) => error instanceof CrossformError && error.source === "internal",
    );
  });
});

describe("readAwsProfiles", () => {
  test("the config file: [default] and [profile x] with their keys; other sections and nested values left out", () => {
    const profiles = readAwsProfiles(fixture("real-world"), "config");
    assert.deepEqual([...profiles.keys()], ["default", "a", "local"]);
    assert.deepEqual(Object.fromEntries(profiles.get("a")?.values ?? []), {
      sso_session: "my-sso",
      sso_account_id: "123456789011",
      sso_role_name: "ReadOnly",
      region: "us-west-2",
    });
    assert.equal(profiles.get("a")?.line, 14);
    assert.deepEqual(Object.fromEntries(profiles.get("local")?.values ?? []), {
      services: "local",
    });
    assert.deepEqual(Object.fromEntries(profiles.get("default")?.values ?? []), {
      region: "eu-west-1",
      output: "json",
      cli_pager: "",
    });
  });

  test("the credentials file names a profile by its bare header; keys are lowercased; the first section wins", () => {
    const text =
      "[base]\nAWS_Access_Key_Id = AKIAEXAMPLE\n\n[base]\nregion = x\n[profile odd]\nk: v\n";
    const profiles = readAwsProfiles(text, "credentials");
    assert.deepEqual([...profiles.keys()], ["base", "profile odd"]);
    assert.deepEqual(Object.fromEntries(profiles.get("base")?.values ?? []), {
      aws_access_key_id: "AKIAEXAMPLE",
    });
    assert.deepEqual(Object.fromEntries(profiles.get("profile odd")?.values ?? []), { k: "v" });
  });

  test("reads back what renderManagedBlock writes, key for key", () => {
    const profiles = readAwsProfiles(block, "config");
    assert.deepEqual([...(profiles.get("prod")?.values ?? [])], profileKeyValues(prod));
    assert.deepEqual([...(profiles.get("dev")?.values ?? [])], profileKeyValues(dev));
  });
});
