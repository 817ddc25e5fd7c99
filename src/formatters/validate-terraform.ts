/** `crossform validate --terraform`: the per-stack report of `terraform validate`, as text and JSON. */
import type { StackValidation, TerraformValidateReport } from "../app/validate-terraform.ts";
import { formatDiagnostics } from "./diagnostics.ts";

function stackLine(stack: StackValidation): string {
  const errors = stack.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = stack.diagnostics.length - errors;
  const names =
    stack.stacks.length === 1 && stack.stacks[0] === stack.path
      ? stack.path
      : `${stack.stacks.join(", ")} (${stack.path})`;
  const counts = [
    ...(errors > 0 ? [`${errors} error${errors === 1 ? "" : "s"}`] : []),
    ...(warnings > 0 ? [`${warnings} warning${warnings === 1 ? "" : "s"}`] : []),
  ];
  const log = stack.status === "valid" || stack.log === "" ? "" : `; log: ${stack.log}`;
  return `  ${names}: ${stack.status}${counts.length > 0 ? ` (${counts.join(", ")})` : ""}${log}`;
}

/** Text: every diagnostic with file:line:column, one line per stack directory, a summary. */
export function formatTerraformValidate(report: TerraformValidateReport): string {
  let out = formatDiagnostics(report.stacks.flatMap((s) => s.diagnostics));
  const total = report.stacks.length;
  out += `terraform validate (${report.terraform}), ${total} stack ${total === 1 ? "directory" : "directories"}:\n`;
  out += `${report.stacks.map(stackLine).join("\n")}\n`;
  const passed = report.stacks.filter((s) => s.status === "valid").length;
  const count = (status: StackValidation["status"]): number =>
    report.stacks.filter((s) => s.status === status).length;
  const parts = [
    ...(count("invalid") > 0 ? [`${count("invalid")} invalid`] : []),
    ...(count("failed") > 0 ? [`${count("failed")} could not be validated`] : []),
    ...(count("interrupted") > 0 ? [`${count("interrupted")} interrupted`] : []),
  ];
  out += `${passed} of ${total} valid${parts.length > 0 ? `, ${parts.join(", ")}` : ""}\n`;
  return out;
}

/** The report as a JSON value, for the `terraform` field of `validate --format json`. */
export function terraformValidateJson(report: TerraformValidateReport): Record<string, unknown> {
  return {
    terraform: report.terraform,
    parallel: report.parallel,
    valid: report.valid,
    interrupted: report.interrupted,
    stacks: report.stacks,
  };
}
