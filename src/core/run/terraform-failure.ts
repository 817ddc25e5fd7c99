/**
 * The message of a failed terraform command. Its first line is what the summary table shows under
 * the unit (formatters/run-summary.ts `unitProblem`): the command and Terraform's first error, e.g.
 * `terraform apply failed: creating S3 Bucket (x): BucketAlreadyExists`. The last lines of
 * Terraform's output follow, for the reports and the log-less reader.
 */

/** Terraform's diagnostic summary line, with or without the box drawing of a coloured terminal. */
const ERROR_LINE = /^[\s│╷|]*Error: (.*\S)\s*$/;

/** The last `count` non-empty lines of `text`. */
export function lastLines(text: string, count = 12): string {
  const lines = text
    .trim()
    .split("\n")
    .filter((l) => l.trim() !== "");
  return lines.slice(-count).join("\n");
}

/** The summary of Terraform's first `Error:` diagnostic in `output`, or undefined. */
export function firstTerraformError(output: string): string | undefined {
  for (const line of output.split("\n")) {
    const match = ERROR_LINE.exec(line);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

/**
 * `<what> failed: <Terraform's first error>` (or the first line of its output when it printed no
 * error), then `detail` (e.g. where a lost state was kept) and the output's last lines.
 */
export function terraformFailureMessage(what: string, stderr: string, detail = ""): string {
  const cause =
    firstTerraformError(stderr) ??
    stderr
      .split("\n")
      .find((l) => l.trim() !== "")
      ?.trim();
  const tail = lastLines(stderr);
  return `${what} failed${cause ? `: ${cause}` : " with no output"}${detail}${tail ? `\n${tail}` : ""}`;
}
