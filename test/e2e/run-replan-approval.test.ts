// One approval per run, with the built CLI, real terraform and one moto_server
// (docs/decisions/0029-one-approval-per-run.md): app reads network's outputs in dev, staging and
// prod (an approval account). A first apply in a terminal, every app blocked behind its network,
// asks once. A prod network change that changes app's plan once network applied is applied in one
// run: under --approve prod in CI, after one question in a terminal. A change that gives app a
// resource its approved plan did not show, or destroys one it kept, stops it in CI, and a terminal
// asks again showing exactly that.
import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { parseRunReport } from "../../src/core/report/run-report.ts";
import type { RunReport } from "../../src/core/report/run-report.ts";
import { getStateObject } from "../helpers/aws-accounts.ts";
import { emulatorCliEnv, runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { startCliInPty } from "../helpers/pty.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv } from "../helpers/terraform.ts";

const fixture = fileURLToPath(new URL("../fixtures/run/replan-approval/", import.meta.url));
const root = await makeTempDir("run-replan-approval");
const home = join(root, "home");
const dir = join(root, "repo");
const ACCOUNT_IDS = { dev: "770000000001", staging: "770000000002", prod: "770000000003" };

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
  await cp(fixture, dir, { recursive: true });
});
after(() => moto?.stop());

function env(): NodeJS.ProcessEnv {
  return terraformEnv(emulatorCliEnv(moto.env, { home, root }));
}

/** `apply --target prod --approve prod --format json` in CI, and `extra` flags. */
function ciApplyProd(...extra: string[]): Promise<CliResult> {
  return crossform(
    "apply",
    "--target",
    "prod",
    "--allow-dirty",
    "--approve",
    "prod",
    "--format",
    "json",
    ...extra,
  );
}

/** The CLI in CI: no terminal, CI=true. */
function crossform(...args: string[]): Promise<CliResult> {
  return runBuiltCli(args, { cwd: dir, env: env() });
}

/**
 * The CLI on a terminal (CI unset): answers every question, `prod` to an approval account's and
 * `yes` to the others; the screen and how many questions it asked.
 */
async function inTerminal(
  ...args: string[]
): Promise<{ code: number | null; screen: string; asked: number }> {
  const terminalEnv = env();
  delete terminalEnv.CI;
  const cli = startCliInPty(args, { cwd: dir, env: terminalEnv });
  let asked = 0;
  let from = 0;
  try {
    for (;;) {
      const next = await Promise.race([
        cli.waitFor(/to confirm: $/, from).then(() => "asked" as const),
        cli.done.then(() => "done" as const),
      ]);
      if (next === "done") break;
      asked += 1;
      cli.type(/type yes to confirm: $/.test(cli.screen()) ? "yes\n" : "prod\n");
      from = cli.screen().length;
    }
  } catch (error) {
    cli.kill();
    throw error;
  }
  const { code, screen } = await cli.done;
  return { code, screen, asked };
}

/** Sets network's variables in prod and regenerates. */
async function prodNetwork(vars: string): Promise<void> {
  const file = join(dir, "crossform.yaml");
  const text = (await readFile(file, "utf8")).replace(/\n {4}targets:.*\n/, "\n");
  await writeFile(
    file,
    text.replace(
      "      subnet_count: 2\n",
      `      subnet_count: 2\n    targets: { prod: { vars: ${vars} } }\n`,
    ),
  );
  const generated = await crossform("generate");
  assert.equal(generated.code, 0, showResult(generated));
}

/** A state file's resources, as `type.name[index]` -> the value of their `input`. */
async function resources(
  account: keyof typeof ACCOUNT_IDS,
  stack: string,
): Promise<Map<string, unknown>> {
  const accountId = ACCOUNT_IDS[account];
  const state = JSON.parse(
    await getStateObject(moto.env, {
      bucket: `run-replan-${accountId}-us-east-1`,
      key: `${stack}/terraform.tfstate`,
      accountId,
      region: "us-east-1",
    }),
  ) as {
    resources: {
      mode: string;
      type: string;
      name: string;
      instances: { index_key?: number; attributes: { input: { value: unknown } } }[];
    }[];
  };
  const found = new Map<string, unknown>();
  for (const r of state.resources.filter((r) => r.mode === "managed"))
    for (const i of r.instances)
      found.set(
        `${r.type}.${r.name}${i.index_key === undefined ? "" : `[${i.index_key}]`}`,
        i.attributes.input.value,
      );
  return found;
}

function reportOf(result: CliResult): RunReport {
  return parseRunReport(JSON.parse(result.stdout), "stdout");
}

/** The value of app's `terraform_data.subnet[index]` in prod's state, or undefined. */
async function prodSubnet(index: number): Promise<unknown> {
  return (await resources("prod", "app")).get(`terraform_data.subnet[${index}]`);
}

/** The reason of app in prod, after checking that the CI run stopped it as needs re-plan. */
function needsReplanReason(result: CliResult): string {
  assert.equal(result.code, 1, showResult(result));
  const app = reportOf(result).units.find((u) => u.id === "app/prod/us-east-1");
  assert.equal(app?.status, "needs-replan");
  return app?.reason ?? "";
}

/** The `planned` lines of a unit in a run's journal: has_changes of each plan, in order. */
async function plansOf(runId: string, unit: string): Promise<boolean[]> {
  const journal = await readFile(join(dir, ".crossform", "runs", runId, "journal.jsonl"), "utf8");
  return journal
    .trim()
    .split("\n")
    .map(
      (l) =>
        JSON.parse(l) as { type: string; unit?: string; event?: string; has_changes?: boolean },
    )
    .filter((e) => e.type === "unit" && e.unit === unit && e.event === "planned")
    .map((e) => e.has_changes === true);
}

test("one approval per run, with real terraform", async (t) => {
  assert.equal((await crossform("generate")).code, 0);
  const boot = await crossform("bootstrap", "--create-role");
  assert.equal(boot.code, 0, showResult(boot));

  await t.test(
    "a first apply in a terminal, every app blocked behind its network: one question",
    async () => {
      const run = await inTerminal("apply", "--all", "--allow-dirty");
      assert.equal(run.code, 0, run.screen);
      assert.equal(run.asked, 1, run.screen);
      assert.match(run.screen, /blocked/);
      for (const account of ["dev", "staging", "prod"] as const) {
        const app = await resources(account, "app");
        assert.deepEqual([...app.keys()].sort(), [
          "terraform_data.app",
          "terraform_data.subnet[0]",
          "terraform_data.subnet[1]",
        ]);
      }
    },
  );

  await t.test(
    "CI: a prod network change that changes app's plan once network applied: one run under --approve prod",
    async () => {
      await prodNetwork('{ cidr_prefix: "10.100" }');
      const result = await ciApplyProd();
      assert.equal(result.code, 0, showResult(result));
      const report = reportOf(result);
      const app = report.units.find((u) => u.id === "app/prod/us-east-1");
      assert.equal(app?.status, "succeeded");
      assert.equal(app?.summary?.change, 3);
      // Confirmed with no changes (app read the old network); planned again with three updates.
      assert.deepEqual(await plansOf(report.run.id, "app/prod/us-east-1"), [false, true]);
      assert.match(
        result.stderr,
        /app\/prod\/us-east-1 was planned again after network\/prod\/us-east-1 applied; its new plan stays within the approved one/,
      );
      const state = await resources("prod", "app");
      assert.deepEqual(state.get("terraform_data.app"), {
        account: "prod",
        cidr_block: "10.100.0.0/16",
      });
      assert.equal(state.get("terraform_data.subnet[1]"), "10.100.1.0/24");
    },
  );

  await t.test("a terminal: the same kind of change asks once", async () => {
    await prodNetwork('{ cidr_prefix: "10.200" }');
    const run = await inTerminal("apply", "--target", "prod", "--allow-dirty");
    assert.equal(run.code, 0, run.screen);
    assert.equal(run.asked, 1, run.screen);
    assert.equal(await prodSubnet(0), "10.200.0.0/24");
  });

  await t.test(
    "CI: a resource app's approved plan did not show stops app as needs re-plan, naming it; the next run applies it",
    async () => {
      await prodNetwork('{ cidr_prefix: "10.200", subnet_count: 3 }');
      assert.match(
        needsReplanReason(await ciApplyProd()),
        /touches terraform_data\.subnet\[2\] \(create\), not in the approved plan; --approve prod covers only a new plan within the approved one/,
      );
      assert.equal(await prodSubnet(2), undefined);
      const again = await ciApplyProd();
      assert.equal(again.code, 0, showResult(again));
      assert.equal(await prodSubnet(2), "10.200.2.0/24");
    },
  );

  await t.test(
    "a terminal: the same change is asked again, showing exactly the new resource",
    async () => {
      await prodNetwork('{ cidr_prefix: "10.200", subnet_count: 4 }');
      const run = await inTerminal("apply", "--target", "prod", "--allow-dirty");
      assert.equal(run.code, 0, run.screen);
      assert.equal(run.asked, 2, run.screen);
      assert.match(
        run.screen,
        /app\/prod\/us-east-1 was planned again after network\/prod\/us-east-1 applied, and its new plan goes beyond the approved one:\r?\n\s+\+\s+terraform_data\.subnet\[3\]\s+create: not in the approved plan\r?\n/,
      );
      assert.equal(await prodSubnet(3), "10.200.3.0/24");
    },
  );

  await t.test(
    "CI: a re-plan that destroys what app's approved plan kept stops app as needs re-plan, naming the destroy, even with --allow-destroy",
    async () => {
      await prodNetwork('{ cidr_prefix: "10.200", subnet_count: 3 }');
      assert.match(
        needsReplanReason(await ciApplyProd("--allow-destroy")),
        /it destroys or replaces terraform_data\.subnet\[3\] \(delete\); --approve prod covers only a new plan within the approved one/,
      );
      assert.equal(await prodSubnet(3), "10.200.3.0/24");
    },
  );

  await t.test(
    "a terminal: a re-plan that destroys one more resource is asked again, showing only that destroy",
    async () => {
      // app's confirmed plan destroys subnet[3] (network already has three); once network applies
      // two, the re-plan destroys subnet[2] too: that one is the difference.
      await prodNetwork('{ cidr_prefix: "10.200", subnet_count: 2 }');
      const run = await inTerminal("apply", "--target", "prod", "--allow-dirty", "--allow-destroy");
      assert.equal(run.code, 0, run.screen);
      assert.equal(run.asked, 2, run.screen);
      assert.match(
        run.screen,
        /its new plan goes beyond the approved one:\r?\n\s+-\s+terraform_data\.subnet\[2\]\s+delete: the approved plan did not destroy or replace it\r?\n\r?\n/,
      );
      assert.deepEqual([...(await resources("prod", "app")).keys()].sort(), [
        "terraform_data.app",
        "terraform_data.subnet[0]",
        "terraform_data.subnet[1]",
      ]);
    },
  );
});
