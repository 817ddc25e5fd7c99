// A stand-in for crossform in tests of the terraform relay: starts one command through
// startTerraformProcess (argv: log file, then the command and its arguments), prints the pid of its
// process group on stdout, and waits to be killed (or for the command to end). With HOLD=1 in its
// environment it never lets terraform start (its `beforeStart` never ends), as a crossform killed
// before it journaled the command.
import { startTerraformProcess } from "../../src/adapters/terraform/terraform-process.ts";

const [logFile, binary, ...args] = process.argv.slice(2);
if (logFile === undefined || binary === undefined) throw new Error("usage: LOG BINARY ARGS...");
const started = startTerraformProcess({
  binary,
  args,
  cwd: process.cwd(),
  env: { PATH: process.env.PATH ?? "" },
  logFile,
  secrets: [],
  ...(process.env.HOLD === "1" ? { beforeStart: () => new Promise<void>(() => undefined) } : {}),
});
process.stdout.write(`${JSON.stringify({ pid: started.pid })}\n`);
const result = await started.result;
process.stdout.write(`${JSON.stringify({ exitCode: result.exitCode })}\n`);
