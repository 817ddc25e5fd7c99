/**
 * `crossform init [--from-organization]`: a commented starter crossform.yaml that validates as
 * written, optionally holding the organization's accounts. It never overwrites a file, and adds
 * `.crossform/` (crossform's working directory) to a `.gitignore` next to it that lacks it.
 */
import { dirname, join, relative, sep } from "node:path";
import { renderStarterConfig } from "../core/discover/starter-config.ts";
import { CrossformError } from "../core/errors.ts";
import { CROSSFORM_IGNORE_ENTRY, ignoresCrossform } from "../core/gitignore.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { FileWriter } from "../ports/file-writer.ts";
import type { Discovery } from "./discover.ts";

/** Where editors find the schema when the package is not installed inside the project. */
export const SCHEMA_URL = "https://crossform.dev/schema/crossform.schema.json";

/** What to write. */
export interface InitRequest {
  /** Absolute path of the crossform.yaml to write. */
  path: string;
  /** How messages name it (relative to the working directory). */
  file: string;
  /** Absolute path of the JSON Schema shipped with the running crossform, when known. */
  schemaFile: string | undefined;
  /** `base.region` and the default region. */
  region: string;
  /** `base.profile`, when the operator works with a named profile. */
  profile: string | undefined;
}

/** What init did. */
export interface InitReport {
  path: string;
  /** How many accounts the file holds; `fromOrganization` says where they came from. */
  accounts: number;
  fromOrganization: boolean;
  /** The `$schema=` reference written. */
  schema: string;
  /** `.gitignore` next to the file: `added` the entry, it was `present`, or there is `none`. */
  gitignore: "added" | "present" | "none";
  gitignorePath: string;
}

/**
 * The schema reference for a file in `configDir`: a relative path when the schema shipped with
 * crossform lies inside that directory (a project-local install, `./node_modules/...`), so it
 * works offline and matches the installed version; else the published URL (a global install's
 * path would not exist on a teammate's machine).
 */
export function schemaReference(configDir: string, schemaFile: string | undefined): string {
  if (schemaFile === undefined) return SCHEMA_URL;
  const rel = relative(configDir, schemaFile);
  if (rel === "" || rel.startsWith("..") || rel.startsWith(sep)) return SCHEMA_URL;
  return `./${rel.split(sep).join("/")}`;
}

/**
 * Writes the starter file. Refuses (a user error, exit 2, nothing written) when the file exists,
 * before `discover` runs; `discover` (for `--from-organization`) fills the accounts.
 */
export async function init(
  deps: { fs: FileSystem; writer: FileWriter },
  request: InitRequest,
  discover?: () => Promise<Discovery>,
): Promise<InitReport> {
  if (await deps.fs.exists(request.path)) {
    throw new CrossformError(
      "init/config-exists",
      "user",
      `${request.file} already exists; init never overwrites a configuration`,
      {
        hint: "edit it, add the organization's new accounts with `crossform discover --merge`, or pass --config with another path",
      },
    );
  }
  const discovery = discover ? await discover() : undefined;
  const configDir = dirname(request.path);
  const schema = schemaReference(
    configDir,
    request.schemaFile !== undefined && (await deps.fs.exists(request.schemaFile))
      ? request.schemaFile
      : undefined,
  );
  const text = renderStarterConfig({
    schema,
    region: request.region,
    profile: request.profile,
    accounts: discovery?.entries,
    tiers: discovery?.tiers ?? [],
  });
  if (discovery !== undefined && discovery.entries.length === 0) {
    throw new CrossformError(
      "init/no-accounts",
      "external",
      "the organization lists no ACTIVE account; nothing was written",
      {
        hint: "run init without --from-organization and add the accounts by hand",
      },
    );
  }
  await deps.writer.writeAtomic(request.path, text);

  const gitignorePath = join(configDir, ".gitignore");
  let gitignore: InitReport["gitignore"] = "none";
  if (await deps.fs.exists(gitignorePath)) {
    const current = await deps.fs.readText(gitignorePath);
    if (ignoresCrossform(current)) {
      gitignore = "present";
    } else {
      const separator = current === "" || current.endsWith("\n") ? "" : "\n";
      // No backup: the file is small, under version control, and only gains a line.
      await deps.writer.writeAtomic(
        gitignorePath,
        `${current}${separator}${CROSSFORM_IGNORE_ENTRY}\n`,
      );
      gitignore = "added";
    }
  }
  return {
    path: request.path,
    accounts: discovery?.entries.length ?? 1,
    fromOrganization: discovery !== undefined,
    schema,
    gitignore,
    gitignorePath,
  };
}
