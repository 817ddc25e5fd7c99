import assert from "node:assert/strict";
import { test } from "node:test";
import { Command } from "commander";
import { COMMAND_MODULES, commandModulesFor } from "../../../../src/cli/commands/index.ts";
import { runCli } from "../../../../src/cli/run-cli.ts";
import type { CliIo } from "../../../../src/cli/run-cli.ts";

const io = (): CliIo & { out: () => string; err: () => string } => {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
    env: {},
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
};

test("each command module registers exactly the names the table gives it", async () => {
  for (const module of COMMAND_MODULES) {
    const program = new Command("crossform");
    (await module.load())(program, io(), () => {});
    assert.deepEqual(
      program.commands.map((c) => c.name()),
      [...module.names],
    );
  }
});

test("a command line loads the one module it names; --version none; help and typos all", () => {
  const names = (argv: string[]) => commandModulesFor(argv).flatMap((m) => m.names);
  assert.deepEqual(names(["validate", "--json"]), ["validate"]);
  assert.deepEqual(names(["drift", "-t", "dev"]), ["plan", "apply", "destroy", "drift", "output"]);
  assert.deepEqual(names(["report", "x.json"]), ["report"]);
  assert.deepEqual(names(["--version"]), []);
  assert.deepEqual(names(["-V"]), []);
  const all = COMMAND_MODULES.flatMap((m) => m.names);
  assert.deepEqual(names(["--help"]), all);
  assert.deepEqual(names([]), all);
  assert.deepEqual(names(["help", "plan"]), all);
  assert.deepEqual(names(["validat"]), all);
  assert.deepEqual(names(["__complete", "ado"]), all);
  assert.deepEqual(names(["runs", "prune", "--keep", "3"]), ["runs"]);
  assert.deepEqual(names(["adopt", "--from-previous"]), ["adopt"]);
});

test("help still lists every command, and a typo is answered with the closest name", async () => {
  const help = io();
  assert.equal(await runCli(["--help"], help), 0);
  for (const name of COMMAND_MODULES.flatMap((m) => m.names)) {
    assert.match(help.out(), new RegExp(`^  ${name}\\b`, "m"), `${name} missing from --help`);
  }
  const typo = io();
  assert.equal(await runCli(["validat"], typo), 2);
  assert.match(typo.err(), /Did you mean validate\?/);
});
