/**
 * The role allow-list (docs/contract.md section 9): a YAML document, kept outside the repository,
 * keyed by 12-digit account id, each holding the role ARNs crossform may have Terraform assume in
 * that account. A unit whose deploy role (or state role) is not listed for its account id is
 * refused in preflight: a pull request that points a unit at another role cannot get it applied.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Diagnostic } from "../errors.ts";
import type { Unit } from "../units/units.ts";

/** Allowed role ARNs by account id. */
export type RoleAllowlist = ReadonlyMap<string, ReadonlySet<string>>;

/** Reads an allow-list; `source` names it in messages (a path or `s3://bucket/key`). */
export function parseRoleAllowlist(
  text: string,
  source: string,
): { ok: true; allowlist: RoleAllowlist } | { ok: false; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problem = (message: string, offset: number | undefined): Diagnostic => {
    const at = offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);
    return {
      severity: "error",
      code: "preflight/role-allowlist-invalid",
      message: `role allow-list ${source}: ${message}`,
      position: { file: source, line: at.line, column: at.col },
      hint: 'write a map of quoted 12-digit account ids to lists of role ARNs: "111111111111": [arn:aws:iam::111111111111:role/TerraformDeploy]',
    };
  };
  if (doc.errors.length > 0)
    return { ok: false, diagnostics: doc.errors.map((e) => problem(e.message, e.pos[0])) };
  const allowlist = new Map<string, Set<string>>();
  if (doc.contents === null) return { ok: true, allowlist };
  if (!isMap(doc.contents))
    return {
      ok: false,
      diagnostics: [problem("expected a map of account ids", doc.contents.range?.[0])],
    };
  const diagnostics: Diagnostic[] = [];
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? pair.key : undefined;
    const id = key ? String(key.value) : "";
    if (!key || typeof key.value !== "string" || !/^\d{12}$/.test(id)) {
      diagnostics.push(
        problem(`${id || "a key"} is not a quoted 12-digit account id`, key?.range?.[0]),
      );
      continue;
    }
    const roles = new Set<string>();
    if (!isSeq(pair.value)) {
      diagnostics.push(problem(`account ${id}: expected a list of role ARNs`, key.range?.[0]));
      continue;
    }
    for (const item of pair.value.items) {
      const arn = isScalar(item) ? String(item.value) : "";
      if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(arn)) {
        diagnostics.push(
          problem(
            `account ${id}: ${arn || "an entry"} is not a role ARN`,
            (item as { range?: readonly number[] } | null)?.range?.[0],
          ),
        );
        continue;
      }
      roles.add(arn);
    }
    allowlist.set(id, roles);
  }
  return diagnostics.length > 0 ? { ok: false, diagnostics } : { ok: true, allowlist };
}

/** One refusal per (account id, role) a unit would assume that the list does not allow. */
export function checkRoleAllowlist(
  units: readonly Unit[],
  roleOf: (unit: Unit) => { account: string; accountId: string; roleArn: string }[],
  allowlist: RoleAllowlist,
  source: string,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const unit of units) {
    for (const target of roleOf(unit)) {
      const key = `${target.accountId} ${target.roleArn}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const allowed = allowlist.get(target.accountId);
      if (allowed?.has(target.roleArn)) continue;
      diagnostics.push({
        severity: "error",
        code: "preflight/role-not-allowed",
        message: `${unit.id}: role ${target.roleArn} is not allowed for account ${target.account} (${target.accountId}) by the role allow-list ${source}`,
        hint:
          allowed === undefined
            ? `the allow-list has no entry for ${target.accountId}: ask its owners to add the role, or fix the role in crossform.yaml`
            : `allowed there: ${[...allowed].join(", ") || "none"}; fix the role in crossform.yaml, or ask the allow-list's owners`,
      });
    }
  }
  return diagnostics;
}
