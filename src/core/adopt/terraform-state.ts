/**
 * A Terraform state file (format version 4) as `crossform adopt` reads it: what identifies the
 * copy (lineage, serial, counts) and, per resource instance, its address, provider configuration,
 * top-level attributes and which of them Terraform marks sensitive. Values are kept for the
 * anti-migrate guard (account-evidence.ts) only; nothing here formats them.
 */

/** One resource instance of a state. */
export interface StateInstance {
  /** `module.net.aws_iam_role.app["a"]`, `data.aws_caller_identity.me`. */
  address: string;
  /** The provider configuration that manages it, as the state names it. */
  provider: ProviderRef;
  /** Its top-level attributes. */
  attributes: Readonly<Record<string, unknown>>;
  /** Top-level attribute names Terraform marks sensitive (`sensitive_attributes`). */
  sensitive: ReadonlySet<string>;
}

/** A provider configuration address: `provider["registry.terraform.io/hashicorp/aws"].shared`. */
export interface ProviderRef {
  /** The provider's type, the last part of its source: `aws`, `terraform`. */
  type: string;
  /** Its alias; undefined for the default configuration. */
  alias: string | undefined;
  /** Whether the configuration is the root module's (a module's own provider block is not). */
  root: boolean;
}

/** What a state holds, read. */
export interface TerraformState {
  lineage: string;
  serial: number;
  /** The Terraform version that last wrote it. */
  terraformVersion: string;
  /** Resource blocks (`resources` entries), managed and data. */
  resources: number;
  /** Resource instances over every block. */
  instances: StateInstance[];
}

/** The facts a copy is compared by: the same in the source and in the read-back copy. */
export interface StateIdentity {
  lineage: string;
  serial: number;
  resources: number;
  instances: number;
}

/** A state's {@link StateIdentity}. */
export function identityOf(state: TerraformState): StateIdentity {
  return {
    lineage: state.lineage,
    serial: state.serial,
    resources: state.resources,
    instances: state.instances.length,
  };
}

/** Reads a state's text; a message saying what is wrong when it is not a version 4 state. */
export function readTerraformState(
  text: string,
): { ok: true; state: TerraformState } | { ok: false; problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: "it is not JSON" };
  }
  if (!isRecord(data)) return { ok: false, problem: "it is not a JSON object" };
  if (data.version !== 4) {
    return {
      ok: false,
      problem: `it is a state of format version ${JSON.stringify(data.version ?? null)}; crossform reads version 4 (Terraform >= 0.12)`,
    };
  }
  if (typeof data.lineage !== "string" || data.lineage === "")
    return { ok: false, problem: "it has no lineage" };
  if (typeof data.serial !== "number" || !Number.isInteger(data.serial))
    return { ok: false, problem: "it has no serial" };
  const resources = Array.isArray(data.resources) ? data.resources : [];
  const instances: StateInstance[] = [];
  for (const resource of resources) {
    if (!isRecord(resource)) return { ok: false, problem: "a resource entry is not an object" };
    instances.push(...instancesOf(resource));
  }
  return {
    ok: true,
    state: {
      lineage: data.lineage,
      serial: data.serial,
      terraformVersion: typeof data.terraform_version === "string" ? data.terraform_version : "",
      resources: resources.length,
      instances,
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function instancesOf(resource: Record<string, unknown>): StateInstance[] {
  const base = [
    typeof resource.module === "string" ? resource.module : undefined,
    resource.mode === "data" ? "data" : undefined,
    `${String(resource.type)}.${String(resource.name)}`,
  ]
    .filter((part) => part !== undefined)
    .join(".");
  const provider = providerRef(typeof resource.provider === "string" ? resource.provider : "");
  const instances = Array.isArray(resource.instances) ? resource.instances : [];
  return instances.filter(isRecord).map((instance) => ({
    address: `${base}${indexSuffix(instance.index_key)}`,
    provider,
    attributes: isRecord(instance.attributes) ? instance.attributes : {},
    sensitive: sensitiveNames(instance.sensitive_attributes),
  }));
}

function indexSuffix(key: unknown): string {
  if (typeof key === "number") return `[${key}]`;
  if (typeof key === "string") return `[${JSON.stringify(key)}]`;
  return "";
}

/**
 * The top-level attribute names of `sensitive_attributes`: Terraform writes each as a path,
 * `[{ "type": "get_attr", "value": "password" }, ...]`; the first step names the attribute.
 */
function sensitiveNames(paths: unknown): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(paths)) return names;
  for (const path of paths) {
    const first: unknown = Array.isArray(path) ? path[0] : undefined;
    if (isRecord(first) && first.type === "get_attr" && typeof first.value === "string")
      names.add(first.value);
  }
  return names;
}

const PROVIDER_ADDRESS = /^(module\.[^[]+?\.)?provider\["([^"]+)"\](?:\.([A-Za-z0-9_-]+))?$/;

/** Parses a provider configuration address of a state. */
export function providerRef(text: string): ProviderRef {
  const match = PROVIDER_ADDRESS.exec(text);
  if (!match) return { type: "", alias: undefined, root: true };
  const source = match[2] ?? "";
  return {
    type: source.split("/").pop() ?? "",
    alias: match[3],
    root: match[1] === undefined,
  };
}
