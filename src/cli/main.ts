#!/usr/bin/env node
// The crossform command: composition root only (argv and env in, adapters built, a use case called,
// a formatter picked, process.exitCode set).
import "./memory-mode.ts";
import { runCli } from "./run-cli.ts";

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
// The process spawner of the terraform commands, when the command started one, exits with it.
await (await import("../adapters/terraform/process-spawner.ts")).closeSpawner();
