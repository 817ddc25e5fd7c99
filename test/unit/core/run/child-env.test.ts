import assert from "node:assert/strict";
import { test } from "node:test";
import { buildChildEnv, ignoredVariables } from "../../../../src/core/run/child-env.ts";
import { CrossformError } from "../../../../src/core/errors.ts";

const DATA = "/repo/.crossform/units/network/dev/us-east-1/data";

/** Variables that pass whatever the credentials are (docs/contract.md section 5). */
const ALLOWED = {
  PATH: "/usr/bin:/bin",
  HOME: "/home/op",
  TMPDIR: "/tmp",
  LANG: "C.UTF-8",
  LC_ALL: "C.UTF-8",
  LC_CTYPE: "C.UTF-8",
  HTTP_PROXY: "http://proxy:3128",
  HTTPS_PROXY: "http://proxy:3128",
  NO_PROXY: "169.254.169.254",
  http_proxy: "http://proxy:3128",
  https_proxy: "http://proxy:3128",
  no_proxy: "localhost",
  TF_CLI_CONFIG_FILE: "/home/op/.terraformrc",
  TF_PLUGIN_CACHE_DIR: "/home/op/.terraform.d/plugin-cache",
  AWS_CONFIG_FILE: "/home/op/.aws/config",
  AWS_SHARED_CREDENTIALS_FILE: "/home/op/.aws/credentials",
  AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
  AWS_ENDPOINT_URL_S3: "http://127.0.0.1:5001",
  AWS_ENDPOINT_URL_STS: "http://127.0.0.1:5002",
  AWS_CA_BUNDLE: "/etc/ssl/ca.pem",
  AWS_REGION: "eu-west-1",
  AWS_DEFAULT_REGION: "eu-west-1",
  // The stack's inputs and how terraform reaches and trusts its downloads (decision 0020).
  TF_VAR_region: "us-west-2",
  TF_VAR_db_password: "from-a-secret-store",
  TF_TOKEN_app_terraform_io: "registry-token",
  SSL_CERT_FILE: "/etc/ssl/corporate.pem",
  SSL_CERT_DIR: "/etc/ssl/certs",
  SSH_AUTH_SOCK: "/tmp/agent",
};

/** The default credential chain's variables: passed only without base.profile. */
const CHAIN = {
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_SESSION_TOKEN: "FQoGZXIvYXdzEXAMPLETOKEN",
  AWS_PROFILE: "operator",
  AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token",
  AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/ci",
  AWS_ROLE_SESSION_NAME: "ci",
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x",
  AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials",
  AWS_CONTAINER_AUTHORIZATION_TOKEN: "container-token",
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/container-token",
  AWS_SDK_LOAD_CONFIG: "1",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://169.254.169.254",
};

/** Variables that never reach a child. */
const DROPPED = {
  TF_CLI_ARGS: "-lock=false",
  TF_CLI_ARGS_plan: "-refresh=false",
  TF_CLI_ARGS_apply: "-auto-approve",
  TF_WORKSPACE: "other",
  TF_LOG: "trace",
  TF_LOG_PATH: "/tmp/tf.log",
  TF_LOG_CORE: "trace",
  TF_LOG_PROVIDER: "trace",
  TF_DATA_DIR: "/somewhere/else",
  TF_VAR_crossform_account_id: "999999999999",
  TF_VAR_crossform_role_arn: "arn:aws:iam::999999999999:role/Other",
};

/** Variables outside the allow-list: dropped too. */
const UNLISTED = {
  EDITOR: "vim",
  GITHUB_TOKEN: "ghp_secret",
  GIT_SSH_COMMAND: "ssh -i key",
  SSH_AGENT_PID: "42",
  TF_IN_AUTOMATION_EXTRA: "x",
  ALL_PROXY: "socks5://proxy",
  AWS_SECURITY_TOKEN: "legacy",
  AWS_MAX_ATTEMPTS: "10",
};

const PARENT = { ...ALLOWED, ...CHAIN, ...DROPPED, ...UNLISTED, TF_INPUT: "1", UNSET: undefined };

test("without base.profile: the allow-list and the default chain pass, nothing else", () => {
  const env = buildChildEnv({ parent: PARENT, baseProfile: undefined, dataDir: DATA });
  assert.deepEqual(env, {
    ...ALLOWED,
    ...CHAIN,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    TF_DATA_DIR: DATA,
  });
});

test("with base.profile: only AWS_PROFILE=<base.profile> is added; the chain's variables are dropped", () => {
  const env = buildChildEnv({ parent: PARENT, baseProfile: "crossform-base", dataDir: DATA });
  for (const name of Object.keys(CHAIN).filter((n) => n !== "AWS_PROFILE")) {
    assert.equal(env[name], undefined, name);
  }
  assert.deepEqual(env, {
    ...ALLOWED,
    AWS_PROFILE: "crossform-base",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    TF_DATA_DIR: DATA,
  });
});

test("an empty base.profile counts as none", () => {
  const env = buildChildEnv({ parent: CHAIN, baseProfile: "", dataDir: DATA });
  assert.equal(env.AWS_PROFILE, "operator");
  assert.equal(env.AWS_SECRET_ACCESS_KEY, CHAIN.AWS_SECRET_ACCESS_KEY);
});

test("TF_CLI_ARGS*, TF_WORKSPACE, TF_LOG*, TF_DATA_DIR and TF_VAR_crossform_* never pass, in either mode", () => {
  for (const baseProfile of [undefined, "base"]) {
    const env = buildChildEnv({ parent: PARENT, baseProfile, dataDir: DATA });
    for (const name of Object.keys(DROPPED)) {
      if (name === "TF_DATA_DIR") assert.equal(env[name], DATA, "the unit's own data dir");
      else assert.equal(env[name], undefined, `${name} (profile ${baseProfile})`);
    }
    for (const name of Object.keys(UNLISTED)) assert.equal(env[name], undefined, name);
  }
});

test("TF_IN_AUTOMATION=1 and TF_INPUT=0 are always set, whatever the parent says", () => {
  const env = buildChildEnv({
    parent: { TF_INPUT: "1", TF_IN_AUTOMATION: "" },
    baseProfile: undefined,
    dataDir: DATA,
  });
  assert.deepEqual(env, { TF_DATA_DIR: DATA, TF_INPUT: "0", TF_IN_AUTOMATION: "1" });
});

test("the data dir must be absolute; without one (terraform version) TF_DATA_DIR is absent", () => {
  assert.throws(
    () => buildChildEnv({ parent: {}, baseProfile: undefined, dataDir: ".crossform/data" }),
    (error: unknown) =>
      error instanceof CrossformError &&
      error.code === "run/relative-data-dir" &&
      error.message.includes('".crossform/data"'),
  );
  const env = buildChildEnv({ parent: { TF_DATA_DIR: "/x" }, baseProfile: undefined });
  assert.equal(env.TF_DATA_DIR, undefined);
  assert.equal(
    buildChildEnv({ parent: {}, baseProfile: undefined, dataDir: "C:\\units\\data" }).TF_DATA_DIR,
    "C:\\units\\data",
  );
});

test("only the debug log level enables TF_LOG; TF_LOG_PATH is never set", () => {
  const off = buildChildEnv({ parent: PARENT, baseProfile: undefined, dataDir: DATA });
  assert.equal(off.TF_LOG, undefined);
  const on = buildChildEnv({
    parent: PARENT,
    baseProfile: undefined,
    dataDir: DATA,
    logLevel: "trace",
  });
  assert.equal(on.TF_LOG, "trace");
  assert.equal(on.TF_LOG_PATH, undefined, "the log goes to stderr, to be redacted");
});

test("a default plugin cache applies only when the operator has none", () => {
  const mine = buildChildEnv({
    parent: { TF_PLUGIN_CACHE_DIR: "/home/op/cache" },
    baseProfile: undefined,
    pluginCacheDir: "/repo/.crossform/plugin-cache",
  });
  assert.equal(mine.TF_PLUGIN_CACHE_DIR, "/home/op/cache");
  const shared = buildChildEnv({
    parent: {},
    baseProfile: undefined,
    pluginCacheDir: "/repo/.crossform/plugin-cache",
  });
  assert.equal(shared.TF_PLUGIN_CACHE_DIR, "/repo/.crossform/plugin-cache");
});

test("the environment's keys are sorted, so that logs and tests see one order", () => {
  const keys = Object.keys(buildChildEnv({ parent: PARENT, baseProfile: "p", dataDir: DATA }));
  assert.deepEqual(keys, [...keys].sort());
});

test("ignoredVariables names the operator's TF_*, AWS_*, GIT_*, SSH_* and SSL_* variables the child will not see", () => {
  assert.deepEqual(ignoredVariables(PARENT, undefined), [
    "AWS_MAX_ATTEMPTS",
    "AWS_SECURITY_TOKEN",
    "GIT_SSH_COMMAND",
    "SSH_AGENT_PID",
    "TF_CLI_ARGS",
    "TF_CLI_ARGS_apply",
    "TF_CLI_ARGS_plan",
    "TF_DATA_DIR",
    "TF_IN_AUTOMATION_EXTRA",
    "TF_LOG",
    "TF_LOG_CORE",
    "TF_LOG_PATH",
    "TF_LOG_PROVIDER",
    "TF_VAR_crossform_account_id",
    "TF_VAR_crossform_role_arn",
    "TF_WORKSPACE",
  ]);
  const withProfile = ignoredVariables(CHAIN, "base");
  assert.deepEqual(withProfile, Object.keys(CHAIN).sort());
});

test("CHECKPOINT_DISABLE passes through so a disabled update check stays disabled (decision 0013)", () => {
  const env = buildChildEnv({
    parent: { PATH: "/bin", CHECKPOINT_DISABLE: "1" },
    baseProfile: "p",
    dataDir: DATA,
  });
  assert.equal(env.CHECKPOINT_DISABLE, "1");
});
