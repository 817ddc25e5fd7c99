import { configJsonSchema } from "../../core/config/schema.ts";
import { ExitCode } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

/** `crossform schema`: prints the JSON Schema of crossform.yaml. */
export const registerSchema: RegisterCommand = (program, io, setExit) => {
  program
    .command("schema")
    .description("print the JSON Schema of crossform.yaml (for editor completion)")
    .action(() => {
      io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      setExit(ExitCode.Ok);
    });
};
