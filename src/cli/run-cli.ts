import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { CrossformError } from "../core/errors.ts";
import { COMPLETE_COMMAND, commandModulesFor } from "./commands/index.ts";
import { ExitCode } from "./exit-codes.ts";

/** Where the CLI writes and what it reads from its process; tests pass their own. */
export interface CliIo {
  /** Standard input, for interactive confirmations (absent in library-style calls). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * The words after the first `--` of the command line (terraform's arguments for plan, apply,
   * destroy and exec); set by {@link runCli}, undefined without `--`.
   */
  passThrough?: readonly string[];
}

/** The commands that take terraform arguments after `--`. */
const PASS_THROUGH_COMMANDS: ReadonlySet<string> = new Set(["plan", "apply", "destroy", "exec"]);

/** The package version, read from package.json next to src/ or dist/. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** How every command selects, under `crossform --help`. */
const SELECTION_HELP = `
Selecting units and accounts:
  plan, apply, destroy, drift and output take STACK names as arguments;
  verify and bootstrap take selectors as arguments.
  Everywhere, -t/--target SEL takes selectors: an account (dev), tier:prod,
  tag:team=pay, stack:app, comma lists, or unit ids (network/dev/us-east-1).
  --all says "every unit" (apply and destroy need a selection or --all).
`;

/** Runs one crossform command line and returns its exit code (docs/contract.md section 6). */
export async function runCli(argv: string[], cliIo: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  // Terraform's own arguments after `--` never reach commander: they are terraform's to read.
  const dash = argv.indexOf("--");
  const io: CliIo = dash < 0 ? cliIo : { ...cliIo, passThrough: argv.slice(dash + 1) };
  const words = dash < 0 ? argv : argv.slice(0, dash);
  const command = words.find((word) => !word.startsWith("-"));
  if (dash >= 0 && (command === undefined || !PASS_THROUGH_COMMANDS.has(command))) {
    io.stderr.write(
      `error: ${command ?? "crossform"} takes no terraform arguments after --\nhint: plan, apply and destroy pass allowed flags to terraform (-target, -replace, -var); crossform exec runs a terraform command in each unit\n`,
    );
    return ExitCode.BadInput;
  }
  const program = new Command("crossform")
    .description("Deploy one Terraform codebase into many AWS accounts safely.")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showSuggestionAfterError(true)
    .addHelpText("after", SELECTION_HELP);

  for (const module of commandModulesFor(argv)) {
    const register = await module.load();
    register(program, io, (code) => {
      exitCode = code;
    });
  }

  if (argv[0] === COMPLETE_COMMAND) {
    try {
      const { completeCommandLine } = await import("./complete-command-line.ts");
      await completeCommandLine(program, argv.slice(1), io);
    } catch {
      // A shell is waiting: no candidates, no error.
    }
    return ExitCode.Ok;
  }
  try {
    await program.parseAsync(words, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return ExitCode.Ok;
      return ExitCode.BadInput;
    }
    if (error instanceof CrossformError) {
      io.stderr.write(`error: ${error.message}\n`);
      if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
      return error.source === "user" || error.source === "internal"
        ? ExitCode.BadInput
        : ExitCode.Problems;
    }
    io.stderr.write(
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.BadInput;
  }
  return exitCode;
}
