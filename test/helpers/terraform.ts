import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { awsProviderMirror, writeMirrorCliConfigFile } from "./provider-mirror.ts";

/** What one terraform invocation printed and returned. */
export interface TerraformResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runTerraform}. */
export interface RunTerraformOptions {
  /** Working directory. @default process.cwd() */
  cwd?: string;
  /** The child's whole environment. @default terraformEnv() */
  env?: NodeJS.ProcessEnv;
  /** Text written to the child's stdin (then closed). @default "" */
  input?: string;
}

let scratch: string | undefined;

/** A directory for this test process holding an empty CLI configuration file, removed at exit. */
function scratchDir(): string {
  if (scratch === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "crossform-terraform-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "empty.tfrc"), "");
    scratch = dir;
  }
  return scratch;
}

/**
 * `base` (default `process.env`) with `TF_CLI_CONFIG_FILE` pointing to an empty CLI configuration
 * file of this test process (the machine's points to a missing file), `TF_IN_AUTOMATION=1` and
 * `CHECKPOINT_DISABLE=1`.
 */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const config = join(scratchDir(), "empty.tfrc");
  return { ...base, TF_CLI_CONFIG_FILE: config, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
}

let mirrorConfig: string | undefined;

/**
 * {@link terraformEnv} with `TF_CLI_CONFIG_FILE` pointing to a CLI configuration that installs
 * providers from the filesystem mirror (test/helpers/provider-mirror.ts) and nowhere else: for
 * the tests that run the real hashicorp/aws provider. Throws, saying what to do, when no mirror
 * holding it is found.
 */
export function providerTerraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  mirrorConfig ??= writeMirrorCliConfigFile(join(scratchDir(), "mirror.tfrc"), awsProviderMirror());
  return { ...terraformEnv(base), TF_CLI_CONFIG_FILE: mirrorConfig };
}

/** Runs `terraform` from the PATH with argv only (no shell). */
export function runTerraform(
  args: readonly string[],
  options: RunTerraformOptions = {},
): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", [...args], {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? terraformEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** What `terraform fmt -` (stdin) writes for `text`; rejects when terraform does not accept it. */
export async function terraformFmt(text: string): Promise<string> {
  const result = await runTerraform(["fmt", "-no-color", "-"], { input: text });
  if (result.code !== 0) {
    throw new Error(
      `terraform fmt - exited with ${result.code}: ${result.stderr}\n--- input ---\n${text}`,
    );
  }
  return result.stdout;
}

let batch = 0;

/**
 * What `terraform fmt` writes for each text, from one terraform process: the texts become the
 * `.tf` files of one directory, formatted in place (the same formatting as stdin) and read back.
 */
export async function terraformFmtMany(texts: readonly string[]): Promise<string[]> {
  batch += 1;
  const dir = join(scratchDir(), `fmt-${batch}`);
  await mkdir(dir);
  const files = texts.map((_, i) => join(dir, `doc-${String(i).padStart(5, "0")}.tf`));
  await Promise.all(texts.map((text, i) => writeFile(files[i] as string, text)));
  const result = await runTerraform(["fmt", "-no-color", "-list=false", dir]);
  if (result.code !== 0) {
    throw new Error(`terraform fmt ${dir} exited with ${result.code}: ${result.stderr}`);
  }
  return Promise.all(files.map((file) => readFile(file, "utf8")));
}

/**
 * A `terraform` wrapper in `<root>/<name>-bin` that appends each invocation's arguments to a file,
 * then runs the real terraform from the PATH: put `bin` first on a child's PATH, and `calls()`
 * tells which terraform processes it started.
 */
export async function recordingTerraform(
  root: string,
  name: string,
): Promise<{ bin: string; calls: () => Promise<string[]> }> {
  let real: string | undefined;
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter((d) => d !== "")) {
    const candidate = join(dir, "terraform");
    if (
      await stat(candidate).then(
        () => true,
        () => false,
      )
    ) {
      real = candidate;
      break;
    }
  }
  if (real === undefined) throw new Error("terraform is not on the PATH");
  const bin = join(root, `${name}-bin`);
  const log = join(root, `${name}-terraform-calls`);
  await mkdir(bin, { recursive: true });
  await writeFile(log, "");
  await writeFile(
    join(bin, "terraform"),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`,
  );
  await chmod(join(bin, "terraform"), 0o755);
  return {
    bin,
    calls: async () => (await readFile(log, "utf8")).split("\n").filter((l) => l !== ""),
  };
}
