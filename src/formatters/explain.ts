/** `crossform explain` as text. */
import type { UnitExplanation } from "../core/generate/explain.ts";

/** Renders an explanation: a few comment lines, then the commands. */
export function formatExplanation(e: UnitExplanation): string {
  const lines = [
    `# unit ${e.unit}: stack ${e.stack} (${e.stackPath}) in account ${e.account.name} (${e.account.id}), region ${e.region}`,
    `# terraform assumes ${e.roleArn} itself (backend, provider and remote state carry assume_role and allowed_account_ids)`,
    `# state: s3://${e.state.bucket}/${e.state.key} (${e.state.region}, account ${e.state.account})`,
    `# run from the directory of crossform.yaml:`,
    ...e.commands,
    `# the one difference: ${e.difference}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** `explain --json` (shape version 1): `{ version, ...the explanation }` (core/generate/explain.ts). */
export function formatExplanationJson(e: UnitExplanation): string {
  return `${JSON.stringify({ version: 1, ...e }, null, 2)}\n`;
}
