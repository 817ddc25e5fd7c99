/**
 * What a re-planned unit's new plan does beyond the approved one, one line a resource: what the
 * operator is asked about again during an apply (docs/decisions/0029-one-approval-per-run.md).
 */
import type { ReplanExcess } from "../core/run/replan-scope.ts";

const SYMBOL: Record<ReplanExcess["action"], string> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "±",
  forget: "forget",
  read: "read",
  "no-op": "·",
};

/** The lines under the question: each resource, its action, and why the approval does not cover it. */
export function formatReplanExcess(excess: readonly ReplanExcess[]): string {
  const width = Math.max(...excess.map((e) => e.address.length));
  const lines = excess.map((e) => {
    const why =
      e.reason === "new-destroy"
        ? `${e.action}: the approved plan did not destroy or replace it${e.replacedBy.length > 0 ? ` (forced by ${e.replacedBy.join(", ")})` : ""}`
        : `${e.action}: not in the approved plan`;
    return `  ${SYMBOL[e.action].padEnd(2)} ${e.address.padEnd(width)}  ${why}`;
  });
  return `${lines.join("\n")}\n`;
}
