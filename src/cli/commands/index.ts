import type { Command } from "commander";
import type { CliIo } from "../run-cli.ts";
import { registerAdopt } from "./adopt.ts";
import { registerBootstrap } from "./bootstrap.ts";
import { registerCi } from "./ci.ts";
import { registerCompletion } from "./completion.ts";
import { registerDiscover } from "./discover.ts";
import { registerExec } from "./exec.ts";
import { registerExplain } from "./explain.ts";
import { registerGenerate } from "./generate.ts";
import { registerInit } from "./init.ts";
import { registerLint } from "./lint.ts";
import { registerProfiles } from "./profiles.ts";
import { registerRunCommands } from "./run.ts";
import { registerReport, registerRuns } from "./runs.ts";
import { registerSchema } from "./schema.ts";
import { registerValidate } from "./validate.ts";
import { registerVerify } from "./verify.ts";

/** Registers one command on the program; `setExit` records the command's exit code. */
export type RegisterCommand = (
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
) => void;

/** Every command, in the order `crossform --help` lists them. */
export const all: RegisterCommand[] = [
  registerInit,
  registerValidate,
  registerVerify,
  registerGenerate,
  registerExplain,
  registerProfiles,
  registerSchema,
  registerDiscover,
  registerBootstrap,
  registerRunCommands,
  registerExec,
  registerAdopt,
  registerLint,
  registerCi,
  registerRuns,
  registerReport,
  registerCompletion,
];
