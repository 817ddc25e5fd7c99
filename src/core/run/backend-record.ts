/**
 * Whether a unit's data directory still belongs to the backend its file names. Terraform records
 * the backend it was initialised with in `<TF_DATA_DIR>/terraform.tfstate`; when that names another
 * bucket, key or region than the unit's `.s3.tfbackend` file, crossform deletes the data directory
 * and initialises afresh: it never migrates state (docs/decisions/0011-unit-workspaces.md).
 */

/** The parts of an S3 backend that say where a state lives. */
export interface BackendAddress {
  bucket: string;
  key: string;
  region: string;
}

const ADDRESS_KEYS = ["bucket", "key", "region"] as const;

/** Decodes an HCL quoted string literal (with its quotes); undefined when it is not a plain one. */
function decodeHclString(literal: string): string | undefined {
  try {
    const value: unknown = JSON.parse(literal);
    if (typeof value !== "string") return undefined;
    return value.replaceAll("$${", "${").replaceAll("%%{", "%{");
  } catch {
    return undefined;
  }
}

/**
 * Reads `bucket`, `key` and `region` from the top level of an `.s3.tfbackend` file (a nested
 * `assume_role = { ... }` is skipped); a key that is missing or not a plain string is absent.
 */
export function parseBackendFile(text: string): Partial<BackendAddress> {
  const found: Partial<BackendAddress> = {};
  let depth = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (depth === 0) {
      const match = /^(bucket|key|region)\s*=\s*("(?:[^"\\]|\\.)*")\s*(?:(?:#|\/\/).*)?$/.exec(
        line,
      );
      if (match) {
        const value = decodeHclString(match[2] as string);
        if (value !== undefined) found[match[1] as keyof BackendAddress] = value;
        continue;
      }
    }
    // Braces inside strings and comments do not nest.
    const code = line.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/(?:#|\/\/).*$/, "");
    for (const char of code) {
      if (char === "{" || char === "[") depth += 1;
      if (char === "}" || char === "]") depth = Math.max(0, depth - 1);
    }
  }
  return found;
}

/** The backend Terraform recorded in a data directory's `terraform.tfstate`. */
export interface RecordedBackend {
  /** Backend type, e.g. `s3`. */
  type: string;
  address: Partial<BackendAddress>;
}

/** Reads a data directory's `terraform.tfstate`; undefined when it is not JSON or names no backend. */
export function parseRecordedBackend(text: string): RecordedBackend | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const backend = (parsed as { backend?: unknown }).backend;
  if (typeof backend !== "object" || backend === null) return undefined;
  const { type, config } = backend as { type?: unknown; config?: unknown };
  if (typeof type !== "string") return undefined;
  const address: Partial<BackendAddress> = {};
  if (typeof config === "object" && config !== null) {
    for (const key of ADDRESS_KEYS) {
      const value = (config as Record<string, unknown>)[key];
      if (typeof value === "string") address[key] = value;
    }
  }
  return { type, address };
}

function describe(type: string, address: Partial<BackendAddress>): string {
  const where = `${type}://${address.bucket ?? "?"}/${address.key ?? "?"}`;
  return address.region === undefined ? where : `${where} (${address.region})`;
}

/** The verdict of {@link compareRecordedBackend}. */
export type BackendVerdict =
  | { rebuild: false }
  | {
      rebuild: true;
      /** Why, for the unit's log: what was recorded and what the backend file names. */
      reason: string;
    };

/**
 * Compares a data directory's recorded backend (`recordedText`, the text of its
 * `terraform.tfstate`) with the unit's backend file. Rebuild when the recorded backend is not S3,
 * names another bucket, key or region, or cannot be read: rebuilding costs one init, keeping a data
 * directory of another state risks mixing two units.
 */
export function compareRecordedBackend(
  recordedText: string,
  backendFileText: string,
): BackendVerdict {
  const recorded = parseRecordedBackend(recordedText);
  const wanted = parseBackendFile(backendFileText);
  if (!recorded) {
    return { rebuild: true, reason: "its recorded backend cannot be read" };
  }
  const same =
    recorded.type === "s3" &&
    recorded.address.bucket !== undefined &&
    recorded.address.key !== undefined &&
    ADDRESS_KEYS.every((key) => recorded.address[key] === wanted[key]);
  if (same) return { rebuild: false };
  return {
    rebuild: true,
    reason: `it was initialised for ${describe(recorded.type, recorded.address)}, the backend file names ${describe("s3", wanted)}`,
  };
}
