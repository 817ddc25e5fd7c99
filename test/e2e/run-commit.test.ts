// 8. What an apply runs is what was committed, with the built CLI, real git, real terraform and one
// moto_server (docs/decisions/0028-apply-runs-the-commit.md): an edit made in the working tree
// while an apply runs never reaches a unit, not even one planned after its dependency applied, and
// the record names the commit that ran; `--allow-dirty` applies the working tree and says so.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { parseRunReport } from "../../src/core/report/run-report.ts";
import { getStateObject } from "../helpers/aws-accounts.ts";
import { emulatorCliEnv, runBuiltCli, showResult, startBuiltCli } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv } from "../helpers/terraform.ts";

const run = promisify(execFile);
const fixture = fileURLToPath(new URL("../fixtures/run/committed/", import.meta.url));
const root = await makeTempDir("run-commit");
const home = join(root, "home");
const dir = join(root, "repo");
const go = join(root, "go");
const show = showResult;

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
});
after(() => moto?.stop());

const git = async (...args: string[]): Promise<string> =>
  (
    await run("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", ...args], {
      cwd: dir,
    })
  ).stdout.trim();

/** The input of `top` as its state holds it. */
async function topInput(): Promise<string> {
  const state = JSON.parse(
    await getStateObject(moto.env, {
      bucket: "run-committed-795000000001-us-east-1",
      key: "top/terraform.tfstate",
      region: "us-east-1",
      accountId: "795000000001",
    }),
  ) as {
    resources: { type: string; instances: { attributes: { input?: { value: string } } }[] }[];
  };
  const top = state.resources.find((r) => r.type === "terraform_data");
  return top?.instances[0]?.attributes.input?.value ?? "";
}

test("8. an edit made while an apply runs never reaches a unit (one planned after its dependency applied included), and the record names the commit that ran; --allow-dirty applies the working tree and says so", async () => {
  const env = terraformEnv(emulatorCliEnv(moto.env, { home, root }));
  const crossform = (...args: string[]) => runBuiltCli(args, { cwd: dir, env });
  await cp(fixture, dir, { recursive: true });
  const config = join(dir, "crossform.yaml");
  await writeFile(
    config,
    (await readFile(config, "utf8")).replace(
      "wait: WAIT",
      `wait: "while [ ! -f ${go} ]; do sleep 0.1; done"`,
    ),
  );
  await writeFile(join(dir, ".gitignore"), ".crossform/\n");
  assert.equal((await crossform("generate")).code, 0);
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-qm", "base and top");
  const commit = await git("rev-parse", "HEAD");
  const boot = await crossform("bootstrap", "--create-role");
  assert.equal(boot.code, 0, show(boot));

  const cli = startBuiltCli(["apply", "--all", "--auto-approve", "--format", "json"], {
    cwd: dir,
    env,
  });
  await cli.waitForStderr(/apply base\/dev\/us-east-1: started/);
  const runs = join(dir, ".crossform", "runs");
  const id = (await readdir(runs))[0]!;
  const baseLog = join(runs, id, "units", "base", "dev", "us-east-1", "log");
  for (let i = 0; !/\(local-exec\): base-waits/.test(await readFile(baseLog, "utf8")); i += 1) {
    assert.ok(i < 600, "base's provisioner started");
    await new Promise((r) => setTimeout(r, 100));
  }
  // While base applies, the working tree changes: top's code, and the dependency it reads.
  const topCode = join(dir, "stacks", "top", "main.tf");
  await writeFile(
    topCode,
    (await readFile(topCode, "utf8")).replace("committed code", "an uncommitted edit"),
  );
  await writeFile(
    join(dir, "stacks", "top", "extra.tf"),
    'output "leak" {\n  value = "edited"\n}\n',
  );
  await writeFile(go, "");
  const result = await cli.done;
  assert.equal(result.code, 0, show(result));
  const report = parseRunReport(JSON.parse(result.stdout), "stdout");
  assert.deepEqual(
    report.units.map((u) => [u.id, u.status, u.has_changes]),
    [
      ["base/dev/us-east-1", "succeeded", true],
      ["top/dev/us-east-1", "succeeded", true],
    ],
  );
  assert.equal(await topInput(), "committed code, after dev");
  const topLog = await readFile(join(runs, id, "units", "top", "dev", "us-east-1", "log"), "utf8");
  assert.match(topLog, /^# .* plan /m, "top was planned during the apply phase");
  assert.doesNotMatch(topLog, /uncommitted edit|leak/);
  assert.equal(report.run.git_commit, commit);
  assert.equal(report.run.source, "commit");
  const md = await readFile(join(runs, id, "report.md"), "utf8");
  assert.match(md, new RegExp(`commit \`${commit.slice(0, 12)}\``));
  assert.doesNotMatch(md, /allow-dirty/);
  assert.match(
    await git("status", "--porcelain"),
    /stacks\/top\/main\.tf/,
    "the edit is still there",
  );

  // --allow-dirty: the working tree, edit included, and the record says so.
  const dirty = await crossform(
    "apply",
    "--all",
    "--auto-approve",
    "--allow-dirty",
    "--format",
    "json",
  );
  assert.equal(dirty.code, 0, show(dirty));
  const dirtyReport = parseRunReport(JSON.parse(dirty.stdout), "stdout");
  assert.equal(dirtyReport.run.source, "working-tree");
  assert.equal(dirtyReport.run.git_commit, commit);
  assert.equal(await topInput(), "an uncommitted edit, after dev");
  const dirtyMd = await readFile(join(runs, dirtyReport.run.id, "report.md"), "utf8");
  assert.match(dirtyMd, /with the working tree's changes \(--allow-dirty\)/);
});
