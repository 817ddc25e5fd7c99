/**
 * The role allow-list of a run (docs/contract.md, "Role allow-list"): read from a file outside the
 * repository or an S3 object (as the base identity), then every role the units would assume
 * (deploy roles of their accounts, the state role) checked against it.
 */
import { isAbsolute, relative } from "node:path";
import type { Diagnostic } from "../../core/errors.ts";
import { checkRoleAllowlist, parseRoleAllowlist } from "../../core/run/role-allowlist.ts";
import type { Unit } from "../../core/units/units.ts";
import type { LoadedConfig } from "../load-config.ts";
import { gitRoot } from "./repository-info.ts";
import type { RunDeps } from "./run-types.ts";

function refuse(message: string, hint: string): Diagnostic[] {
  return [{ severity: "error", code: "preflight/role-allowlist-unreadable", message, hint }];
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The allow-list's text, or the refusal to read it. */
async function readAllowlist(
  deps: Pick<RunDeps, "aws" | "fs">,
  loaded: LoadedConfig,
  source: string,
): Promise<string | Diagnostic[]> {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(source);
  if (s3) {
    try {
      return await deps.aws
        .baseClients(loaded.config.base.region)
        .s3.getObjectText(s3[1] as string, s3[2] as string);
    } catch (error) {
      return refuse(
        `cannot read the role allow-list ${source}: ${reason(error)}`,
        "CROSSFORM_ROLE_ALLOWLIST names it; check the object and that the base identity may read it (no unit was started)",
      );
    }
  }
  if (!isAbsolute(source)) {
    return refuse(
      `CROSSFORM_ROLE_ALLOWLIST=${source} is not an absolute path or an s3:// URL`,
      "give the allow-list's absolute path, or s3://bucket/key",
    );
  }
  const repository = (await gitRoot(deps.fs, loaded.dir)) ?? loaded.dir;
  const inside = relative(repository, source);
  if (inside === "" || (!inside.startsWith("..") && !isAbsolute(inside))) {
    return refuse(
      `the role allow-list ${source} is inside the repository ${repository}: a change to the code could change what it allows`,
      "keep the allow-list outside the repository (a path its owners control, or s3://bucket/key)",
    );
  }
  try {
    return await deps.fs.readText(source);
  } catch (error) {
    return refuse(
      `cannot read the role allow-list ${source}: ${reason(error)}`,
      "CROSSFORM_ROLE_ALLOWLIST names it; check the path (no unit was started)",
    );
  }
}

/** Reads the allow-list and checks every role the units assume; returns the refusals. */
export async function checkAllowlist(
  deps: Pick<RunDeps, "aws" | "fs">,
  loaded: LoadedConfig,
  units: readonly Unit[],
  source: string,
): Promise<Diagnostic[]> {
  const text = await readAllowlist(deps, loaded, source);
  if (typeof text !== "string") return text;
  const parsed = parseRoleAllowlist(text, source);
  if (!parsed.ok) return parsed.diagnostics;
  const { config } = loaded;
  return checkRoleAllowlist(
    [...units],
    (unit) => [
      ...unit.targets.map((t) => {
        const account = config.accounts.get(t.account);
        return {
          account: t.account,
          accountId: account?.id ?? "",
          roleArn: account?.roleArn ?? "",
        };
      }),
      {
        account: unit.state.accountName,
        accountId: unit.state.accountId,
        roleArn: unit.state.roleArn,
      },
    ],
    parsed.allowlist,
    source,
  );
}
