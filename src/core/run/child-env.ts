/**
 * The environment of every terraform child (docs/contract.md section 5): built from an allow-list of the
 * operator's environment, never inherited whole, so that nothing in the operator's shell
 * (`TF_CLI_ARGS=-lock=false`, `TF_WORKSPACE`, a stray `AWS_PROFILE`) can change what a unit does.
 * What is dropped is named once per run ({@link ignoredVariables}, decision 0020).
 */
import { CrossformError } from "../errors.ts";

/** An environment as a process sees it: unset names are absent or undefined. */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

/** Terraform's log levels; `trace` is the most detailed. */
export type TerraformLogLevel = "trace" | "debug" | "info" | "warn" | "error";

/** Input of {@link buildChildEnv}. */
export interface ChildEnvOptions {
  /** The operator's environment (the CLI passes `process.env`). */
  parent: EnvironmentVariables;
  /**
   * `base.profile` of crossform.yaml. Set: the child gets `AWS_PROFILE=<profile>` and none of the
   * default chain's variables. Undefined: the default chain's variables pass through (CI).
   */
  baseProfile: string | undefined;
  /**
   * The unit's data directory, absolute; becomes `TF_DATA_DIR`. Omitted only for commands that
   * belong to no unit (`terraform version`).
   */
  dataDir?: string;
  /**
   * `TF_LOG` level, set only by `--debug`; the output goes to the unit's log after redaction.
   * @default undefined (no Terraform logging)
   */
  logLevel?: TerraformLogLevel;
  /**
   * `TF_PLUGIN_CACHE_DIR` to set when the operator's environment has none (the operator's own
   * value always wins: it may be shared with their other work).
   * @default undefined
   */
  pluginCacheDir?: string;
}

/** Names passed through whatever the credentials are. */
const ALWAYS_ALLOWED = new Set([
  "PATH",
  "HOME",
  "TMPDIR",
  "LANG",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "TF_CLI_CONFIG_FILE",
  "TF_PLUGIN_CACHE_DIR",
  // Terraform's update check: an operator who turned it off keeps it off (decision 0013).
  "CHECKPOINT_DISABLE",
  // How terraform reaches and trusts what it downloads (decision 0020): the CAs of a TLS-inspecting
  // proxy, the SSH agent of `git::ssh://` module sources.
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "SSH_AUTH_SOCK",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CA_BUNDLE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
]);

/**
 * Prefixes passed through whatever the credentials are: the stack's input variables (`TF_VAR_`,
 * the way to hand a secret to terraform without committing it; `TF_VAR_crossform_*` excepted) and
 * the registry tokens of private modules and providers (`TF_TOKEN_`); decision 0020.
 */
const ALWAYS_ALLOWED_PREFIXES = ["LC_", "AWS_ENDPOINT_URL", "TF_VAR_", "TF_TOKEN_"];

/** The default credential chain's names: passed only without `base.profile`. */
const DEFAULT_CHAIN = new Set([
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_SDK_LOAD_CONFIG",
]);

const DEFAULT_CHAIN_PREFIXES = [
  "AWS_CONTAINER_CREDENTIALS_",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_EC2_METADATA_",
];

/** Names that never reach a child, whatever else allows them. */
function alwaysDropped(name: string): boolean {
  return (
    name.startsWith("TF_CLI_ARGS") ||
    name === "TF_WORKSPACE" ||
    name.startsWith("TF_LOG") ||
    name === "TF_DATA_DIR" ||
    name.startsWith("TF_VAR_crossform_")
  );
}

function allowed(name: string, withProfile: boolean): boolean {
  if (alwaysDropped(name)) return false;
  if (ALWAYS_ALLOWED.has(name) || ALWAYS_ALLOWED_PREFIXES.some((p) => name.startsWith(p))) {
    return true;
  }
  if (withProfile) return false;
  return DEFAULT_CHAIN.has(name) || DEFAULT_CHAIN_PREFIXES.some((p) => name.startsWith(p));
}

/** True for `/abs`, `C:\abs`, `C:/abs` and `\\server\share`. */
function isAbsolute(path: string): boolean {
  return /^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(path);
}

/**
 * The whole environment of a terraform child, keys sorted: the allowed names of `parent`, then
 * `AWS_PROFILE` (with a base profile), `TF_IN_AUTOMATION=1`, `TF_INPUT=0`, `TF_DATA_DIR`,
 * `TF_LOG` (with a log level) and `TF_PLUGIN_CACHE_DIR` (when the parent has none).
 * @throws CrossformError `run/relative-data-dir` (internal) when `dataDir` is not absolute:
 *   Terraform resolves a relative one against its working directory, which differs per unit.
 */
export function buildChildEnv(options: ChildEnvOptions): Record<string, string> {
  const withProfile = options.baseProfile !== undefined && options.baseProfile !== "";
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.parent)) {
    if (value !== undefined && allowed(name, withProfile)) env[name] = value;
  }
  if (withProfile) env.AWS_PROFILE = options.baseProfile as string;
  env.TF_IN_AUTOMATION = "1";
  env.TF_INPUT = "0";
  if (options.dataDir !== undefined) {
    if (!isAbsolute(options.dataDir)) {
      throw new CrossformError(
        "run/relative-data-dir",
        "internal",
        `the data directory "${options.dataDir}" given for TF_DATA_DIR is not absolute`,
        { hint: "resolve the unit's data directory to an absolute path before running terraform" },
      );
    }
    env.TF_DATA_DIR = options.dataDir;
  }
  if (options.logLevel !== undefined) env.TF_LOG = options.logLevel;
  if (options.pluginCacheDir !== undefined && env.TF_PLUGIN_CACHE_DIR === undefined) {
    env.TF_PLUGIN_CACHE_DIR = options.pluginCacheDir;
  }
  return Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The families of variables that terraform, its AWS provider, git or TLS read. */
const NOTICED_PREFIXES = ["TF_", "AWS_", "GIT_", "SSH_", "SSL_"];

/**
 * Names of the operator's variables that terraform, its AWS provider, git or TLS would read
 * (`TF_*`, `AWS_*`, `GIT_*`, `SSH_*`, `SSL_*`) and that the child will not see, sorted: one notice
 * per run names them, so that an operator who exported `TF_WORKSPACE` or `AWS_PROFILE` learns
 * that crossform ignored it (decision 0020). Credentials dropped because of `base.profile` are
 * included; the two names crossform always sets itself (`TF_IN_AUTOMATION`, `TF_INPUT`) are not.
 */
export function ignoredVariables(
  parent: EnvironmentVariables,
  baseProfile: string | undefined,
): string[] {
  const withProfile = baseProfile !== undefined && baseProfile !== "";
  return Object.entries(parent)
    .filter(
      ([name, value]) =>
        value !== undefined &&
        NOTICED_PREFIXES.some((prefix) => name.startsWith(prefix)) &&
        name !== "TF_IN_AUTOMATION" &&
        name !== "TF_INPUT" &&
        !allowed(name, withProfile),
    )
    .map(([name]) => name)
    .sort();
}
