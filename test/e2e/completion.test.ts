// Shell completion with the built CLI: bash loads `crossform completion bash` for real (complete -p
// names its function) and the function is driven as bash drives it (COMP_LINE, COMP_POINT,
// COMP_WORDBREAKS), against the quickstart's crossform.yaml. zsh and fish are not installed on
// these machines: their scripts are checked as text (the hidden command they call, how they
// register), and the hidden command they share is exercised here through bash.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { test } from "node:test";
import { builtCli, runBuiltCli } from "../helpers/cli.ts";
import { copyExample } from "../helpers/example-copy.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const run = promisify(execFile);
const quickstart = fileURLToPath(new URL("../../examples/quickstart", import.meta.url));
const root = await makeTempDir("completion");
const work = join(root, "quickstart");
const bin = join(root, "bin");
// Without the .crossform/ a demo may have left: the run ids offered are this test's alone.
await copyExample(quickstart, work);
await mkdir(join(work, ".crossform", "runs", "20261207-120000-abc123"), { recursive: true });
await mkdir(bin);
await writeFile(
  join(bin, "crossform"),
  `#!/bin/sh\nexec "${process.execPath}" "${builtCli}" "$@"\n`,
);
await chmod(join(bin, "crossform"), 0o755);

/** What bash's completion offers for each line (the cursor at its end), by the loaded script. */
async function bashCompletes(lines: string[]): Promise<{ registered: string; offers: string[][] }> {
  const script = [
    "source <(crossform completion bash)",
    "complete -p crossform",
    'offer() { COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _crossform_complete; printf "%s\\n" "--" "${COMPREPLY[@]}"; }',
    ...lines.map((l) => `offer '${l}'`),
  ].join("\n");
  const { stdout } = await run("bash", ["-c", script], {
    cwd: work,
    env: { ...process.env, PATH: [bin, process.env.PATH ?? ""].join(delimiter) },
  });
  const [registered = "", ...blocks] = stdout.split("--\n");
  return {
    registered: registered.trim(),
    offers: blocks.map((b) => b.split("\n").filter((l) => l !== "")),
  };
}

test("bash: the loaded script registers for crossform and completes commands, flags and names from crossform.yaml", async () => {
  const { registered, offers } = await bashCompletes([
    "crossform pl",
    "crossform plan ",
    "crossform plan --tar",
    "crossform plan -t tier:p",
    "crossform apply --all --approve ",
    "crossform plan -t dev,tier:s",
    "crossform explain app/prod/",
    "crossform verify tag:team=",
    "crossform runs ",
    "crossform plan --wave ",
    "crossform plan -c cross",
    "crossform completion ",
  ]);
  assert.equal(registered, "complete -F _crossform_complete crossform");
  assert.deepEqual(offers, [
    ["plan"],
    ["network", "app", "dns"],
    ["--target"],
    // bash splits the word at ':': it is offered what follows.
    ["prod"],
    ["prod"],
    ["staging", "shared"],
    ["app/prod/us-east-1", "app/prod/eu-west-1"],
    ["pay"],
    ["prune", "20261207-120000-abc123"],
    ["1", "tier:dev", "2", "tier:staging", "3", "prod", "4", "tier:shared"],
    ["crossform.yaml"],
    ["bash", "zsh", "fish"],
  ]);
});

test("the hidden __complete follows -C to another configuration and says nothing where there is none", async () => {
  const other = await runBuiltCli(["__complete", "plan", "-C", work, ""], { cwd: root });
  assert.equal(other.code, 0);
  assert.equal(other.stdout, "network\napp\ndns\n");
  const none = await runBuiltCli(["__complete", "plan", ""], { cwd: root });
  assert.deepEqual([none.code, none.stdout, none.stderr], [0, "", ""]);
});

test("zsh and fish scripts (these shells are not installed here: checked as text)", async () => {
  const zsh = await runBuiltCli(["completion", "zsh"]);
  assert.equal(zsh.code, 0);
  assert.match(zsh.stdout, /^#compdef crossform\n/);
  assert.match(zsh.stdout, /__complete "\$\{\(@\)words\[2,CURRENT\]\}"/);
  assert.match(zsh.stdout, /compdef _crossform crossform/);
  const fish = await runBuiltCli(["completion", "fish"]);
  assert.equal(fish.code, 0);
  assert.match(fish.stdout, /\$words\[1\] __complete \$words\[2\.\.-1\]/);
  assert.match(fish.stdout, /complete -c crossform -f -a '\(__crossform_complete\)'/);
  const wrong = await runBuiltCli(["completion", "powershell"]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /Allowed choices are bash, zsh, fish/);
});
