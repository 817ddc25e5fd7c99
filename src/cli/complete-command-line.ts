/**
 * The hidden `crossform __complete <word...>` the completion scripts call: the words typed after
 * `crossform` (the last one under the cursor) in, one candidate a line out, or `:files` / `:dirs`.
 * The commands and flags come from the command line parser itself; the names from the
 * configuration the typed `-c`/`-C` point at (or the one found from the working directory).
 * Nothing is printed on stderr, whatever happens: a shell is waiting.
 */
import { resolve } from "node:path";
import type { Command, Option } from "commander";
import { NodeFileSystem } from "../adapters/fs/node-file-system.ts";
import { completionCatalog } from "../app/completion-catalog.ts";
import type { LoadConfigOptions } from "../app/load-config.ts";
import { completeWords, NO_CATALOG } from "../core/completion/candidates.ts";
import type { CommandSpec, FlagSpec } from "../core/completion/candidates.ts";
import { COMPLETE_DIRECTORIES, COMPLETE_FILES } from "../core/completion/completion-scripts.ts";
import type { CliIo } from "./run-cli.ts";

/** The hidden command's name. */
export const COMPLETE_COMMAND = "__complete";

function flagSpec(option: Option): FlagSpec {
  const names = [option.short, option.long].filter((n): n is string => n !== undefined);
  return {
    names,
    takesValue: option.required || option.optional,
    ...(option.argChoices ? { choices: option.argChoices } : {}),
  };
}

/** What completion knows of a command: its flags, its argument's choices, its subcommands. */
function commandSpec(command: Command): CommandSpec {
  const first = command.registeredArguments[0];
  return {
    name: command.name(),
    flags: command.options.filter((o) => !o.hidden).map(flagSpec),
    ...(first?.argChoices ? { argumentChoices: first.argChoices } : {}),
    subcommands: command.commands.map(commandSpec),
  };
}

/** The `-c`/`--config` and `-C`/`--chdir` typed so far. */
function locationOf(words: readonly string[], cwd: string): LoadConfigOptions {
  let config: string | undefined;
  let chdir: string | undefined;
  words.forEach((word, i) => {
    const next = words[i + 1];
    if ((word === "-c" || word === "--config") && next) config = next;
    else if (word.startsWith("--config=")) config = word.slice("--config=".length);
    if ((word === "-C" || word === "--chdir") && next) chdir = next;
    else if (word.startsWith("--chdir=")) chdir = word.slice("--chdir=".length);
  });
  const base = chdir ? resolve(cwd, chdir) : cwd;
  return { cwd: base, ...(config !== undefined ? { configPath: config } : {}) };
}

/** Answers `crossform __complete <word...>`; see the module comment. */
export async function completeCommandLine(
  program: Command,
  words: readonly string[],
  io: Pick<CliIo, "stdout" | "cwd">,
): Promise<void> {
  const commands = program.commands.filter((c) => c.name() !== COMPLETE_COMMAND).map(commandSpec);
  const typed = words.length === 0 ? [""] : words;
  // Names from crossform.yaml only when they can be wanted: not for command names or flags.
  const current = typed.at(-1) ?? "";
  const needsCatalog = typed.length > 1 && (!current.startsWith("-") || current.includes("="));
  const catalog = needsCatalog
    ? await completionCatalog(new NodeFileSystem(), locationOf(typed.slice(0, -1), io.cwd))
    : undefined;
  const completion = completeWords(commands, typed, catalog ?? NO_CATALOG);
  if (completion.kind === "files") io.stdout.write(`${COMPLETE_FILES}\n`);
  else if (completion.kind === "directories") io.stdout.write(`${COMPLETE_DIRECTORIES}\n`);
  else if (completion.words.length > 0) io.stdout.write(`${completion.words.join("\n")}\n`);
}
