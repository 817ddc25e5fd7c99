import type { Command } from "commander";
import type { CliIo } from "../run-cli.ts";

/** Registers one command on the program; `setExit` records the command's exit code. */
export type RegisterCommand = (
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
) => void;

/** A command module: the names it registers, and how to load its registration. */
export interface CommandModule {
  /** The command names the module registers (`run.ts` registers the five run commands). */
  names: readonly string[];
  /** Imports the module (and only then what it needs) and returns its registration. */
  load(): Promise<RegisterCommand>;
}

/**
 * Every command, in the order `crossform --help` lists them. Each is imported only when needed
 * (docs/decisions/0031-load-what-the-command-needs.md): a command line loads the one module it
 * names; `--help`, `help` and an unknown word load them all.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ["init"], load: async () => (await import("./init.ts")).registerInit },
  { names: ["validate"], load: async () => (await import("./validate.ts")).registerValidate },
  { names: ["verify"], load: async () => (await import("./verify.ts")).registerVerify },
  { names: ["generate"], load: async () => (await import("./generate.ts")).registerGenerate },
  { names: ["explain"], load: async () => (await import("./explain.ts")).registerExplain },
  { names: ["profiles"], load: async () => (await import("./profiles.ts")).registerProfiles },
  { names: ["schema"], load: async () => (await import("./schema.ts")).registerSchema },
  { names: ["discover"], load: async () => (await import("./discover.ts")).registerDiscover },
  { names: ["bootstrap"], load: async () => (await import("./bootstrap.ts")).registerBootstrap },
  {
    names: ["plan", "apply", "destroy", "drift", "output"],
    load: async () => (await import("./run.ts")).registerRunCommands,
  },
  { names: ["exec"], load: async () => (await import("./exec.ts")).registerExec },
  { names: ["adopt"], load: async () => (await import("./adopt.ts")).registerAdopt },
  { names: ["lint"], load: async () => (await import("./lint.ts")).registerLint },
  { names: ["ci"], load: async () => (await import("./ci.ts")).registerCi },
  { names: ["runs"], load: async () => (await import("./runs.ts")).registerRuns },
  { names: ["report"], load: async () => (await import("./runs.ts")).registerReport },
  {
    names: ["completion"],
    load: async () => (await import("./completion.ts")).registerCompletion,
  },
];

/** The hidden command the completion scripts call (complete-command-line.ts). */
export const COMPLETE_COMMAND = "__complete";

/**
 * The command modules a command line needs: the one its first word names; none for a bare
 * `--version`; every one otherwise (help lists them all, an unknown word is answered with the
 * closest name, and {@link COMPLETE_COMMAND} completes from all of them).
 */
export function commandModulesFor(argv: readonly string[]): readonly CommandModule[] {
  const first = argv.find((word) => !word.startsWith("-"));
  if (first === undefined && argv.length === 1 && ["-V", "--version"].includes(argv[0] ?? "")) {
    return [];
  }
  const named = COMMAND_MODULES.find((m) => first !== undefined && m.names.includes(first));
  return named === undefined ? COMMAND_MODULES : [named];
}
