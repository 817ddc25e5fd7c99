/** The error of a terraform command that could not start. */
import { CrossformError } from "../../core/errors.ts";
import { errorCode } from "./private-file.ts";

/** The error of a command that could not start. */
export function startFailure(binary: string, error: unknown): CrossformError {
  const code = errorCode(error);
  const reason =
    error !== null && typeof error === "object" && "message" in error
      ? String(error.message)
      : String(error);
  if (code === "ENOENT") {
    return new CrossformError(
      "terraform/not-found",
      "user",
      `cannot run "${binary}": it is not on the PATH (or the unit's directory is missing)`,
      {
        hint: "install Terraform or OpenTofu, or set terraform.binary in crossform.yaml to its path",
        ...(error instanceof Error ? { cause: error } : {}),
      },
    );
  }
  return new CrossformError(
    "terraform/spawn-failed",
    "external",
    `cannot run "${binary}": ${reason}`,
    {
      hint: "check that the binary is executable and the unit's directories are writable",
      ...(error instanceof Error ? { cause: error } : {}),
    },
  );
}
