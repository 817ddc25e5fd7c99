// The runner's by-value redaction (`TerraformCommand.redact`) with real terraform and no AWS: a
// local-exec provisioner that fails prints its whole command, sensitive values included, in
// terraform's own error text; with --debug the trace carries them too. Neither reaches the log,
// the result's tails or the lines handed to onLine.
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { SpawnTerraformRunner } from "../../../../src/adapters/terraform/spawn-terraform-runner.ts";
import type { OutputLine, TerraformCommand } from "../../../../src/ports/terraform-runner.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";
import { terraformEnv } from "../../../helpers/terraform.ts";

const FROM_VAR_FILE = "var-file-password-7f3a9c";
const FROM_DEFAULT = "default-api-key-41be02";

const STACK = `terraform {
  backend "local" {}
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "api_key" {
  type      = string
  sensitive = true
  default   = "${FROM_DEFAULT}"
}

resource "terraform_data" "fail" {
  provisioner "local-exec" {
    command = "echo connecting with \${var.db_password} and \${var.api_key} >&2; exit 3"
  }
}
`;

for (const debug of [false, true]) {
  test(`a failing provisioner's command with sensitive values: redacted from the log, the tails and the lines${debug ? " (--debug trace too)" : ""}`, async () => {
    const dir = await makeTempDir("runner-redact");
    const stackDir = join(dir, "stack");
    await mkdir(stackDir, { recursive: true });
    await writeFile(join(stackDir, "main.tf"), STACK);
    await writeFile(
      join(stackDir, "dev.tfvars.json"),
      JSON.stringify({ db_password: FROM_VAR_FILE }),
    );
    const runner = new SpawnTerraformRunner({
      configDir: dir,
      repositoryRoot: dir,
      env: terraformEnv({ PATH: process.env.PATH, HOME: process.env.HOME }),
      baseProfile: undefined,
      ...(debug ? { logLevel: "trace" as const } : {}),
    });
    const logFile = join(dir, "log");
    const lines: OutputLine[] = [];
    const command = (args: string[]): TerraformCommand => ({
      args,
      cwd: stackDir,
      dataDir: join(dir, "data"),
      logFile,
      onLine: (line) => lines.push(line),
      redact: [FROM_VAR_FILE, FROM_DEFAULT],
    });
    const init = await runner.start(command(["init", "-input=false"])).result;
    assert.equal(init.exitCode, 0, init.stderr);
    const apply = await runner.start(
      command(["apply", "-input=false", "-auto-approve", "-var-file=dev.tfvars.json"]),
    ).result;
    assert.equal(apply.exitCode, 1, apply.stderr);
    assert.match(apply.stderr, /Error running command/);
    assert.match(apply.stderr, /connecting with \[redacted\] and[\s\S]{0,40}\[redacted\]/);
    const log = await readFile(logFile, "utf8");
    assert.match(log, /Error running command/);
    if (debug) assert.match(log, /\[TRACE\]/, "the trace is in the log");
    for (const text of [log, apply.stderr, apply.stdout, ...lines.map((l) => l.text)]) {
      for (const secret of [FROM_VAR_FILE, FROM_DEFAULT])
        assert.equal(text.includes(secret), false, `${secret} in ${text.slice(0, 300)}`);
    }
  });
}
