// The adopt use case on the run harness (test/helpers/run-harness.ts): in-memory AWS
// (FakeAwsSessions) where the emulator cannot produce the fault (a storage that damages a write, a
// lock held), the real file, journal and process-table adapters on a temporary directory.
import assert from "node:assert/strict";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { adopt } from "../../../../src/app/adopt/adopt.ts";
import type { AdoptOptions } from "../../../../src/app/adopt/adopt.ts";
import { moveFromFlags } from "../../../../src/app/adopt/adopt-plan.ts";
import type { WrittenSource } from "../../../../src/core/adopt/adopt-mapping.ts";
import { checkEarlierStates } from "../../../../src/app/run/earlier-state-check.ts";
import { runCommand } from "../../../../src/app/run/run-command.ts";
import { hardened } from "../../../helpers/fake-aws-sessions.ts";
import { APP_DEV, harness, NETWORK_DEV, options } from "../../../helpers/run-harness.ts";
import type { Harness } from "../../../helpers/run-harness.ts";

const LEGACY = "legacy-tfstate";
const DEV_BUCKET = "tfstate-111111111111";

function stateText(serial: number, accountId = "111111111111", lineage = "lin-1"): string {
  return `${JSON.stringify(
    {
      version: 4,
      terraform_version: "1.11.4",
      serial,
      lineage,
      outputs: { secret: { value: "hunter2-do-not-print", type: "string", sensitive: true } },
      resources: [
        {
          mode: "managed",
          type: "aws_ssm_parameter",
          name: "p",
          provider: 'provider["registry.terraform.io/hashicorp/aws"]',
          instances: [
            {
              attributes: {
                arn: `arn:aws:ssm:us-east-1:${accountId}:parameter/p`,
                value: "hunter2-do-not-print",
              },
              sensitive_attributes: [[{ type: "get_attr", value: "value" }]],
            },
          ],
        },
      ],
    },
    null,
    2,
  )}\n`;
}

async function prepared(): Promise<Harness> {
  const h = await harness();
  h.aws.buckets.set(LEGACY, hardened("123456789012"));
  h.aws.objects.set(`${LEGACY}/env:/dev/network.tfstate`, stateText(7));
  h.aws.objects.set(`${LEGACY}/env:/prod/network.tfstate`, stateText(4, "333333333333"));
  return h;
}

function run(
  h: Harness,
  unitId: string,
  rest: Omit<WrittenSource, "bucket" | "key">,
  extra: Partial<AdoptOptions> = {},
) {
  const moves = moveFromFlags(h.loaded, unitId, `s3://${LEGACY}/network.tfstate`, rest);
  assert.ok(moves.ok, JSON.stringify(moves));
  return adopt(h.deps, h.loaded, {
    moves: moves.moves,
    apply: true,
    force: false,
    user: "alice",
    ...extra,
  });
}

test("a dry run reads and checks, writes no state and no lock, and records the run", async () => {
  const h = await prepared();
  const result = await run(h, NETWORK_DEV, { workspace: "dev" }, { apply: false });
  assert.equal(result.exit, "ok");
  assert.equal(result.report?.units[0]?.outcome, "would-adopt");
  assert.equal(h.aws.calls.filter((c) => /putObject|createObject|acquireLock/.test(c)).length, 0);
  assert.deepEqual(
    result.run?.units.map((u) => [u.id, u.status, u.has_changes, u.reason]),
    [[NETWORK_DEV, "not-started", true, "dry run: nothing was written (run again with --apply)"]],
  );
  const record = result.recordDir ?? "";
  assert.equal((await stat(join(record, "run.json"))).mode & 0o777, 0o600);
  const journal = await readFile(join(record, "journal.jsonl"), "utf8");
  assert.match(journal, /"command":"adopt"/);
});

test("--apply copies under the lock, reads the copy back, releases the lock; no sensitive value reaches the record or the report", async () => {
  const h = await prepared();
  const result = await run(h, NETWORK_DEV, { workspace: "dev" });
  assert.equal(result.exit, "ok", JSON.stringify(result.report));
  assert.equal(h.aws.objects.get(`${DEV_BUCKET}/network/terraform.tfstate`), stateText(7));
  assert.equal(h.aws.objects.get(`${LEGACY}/env:/dev/network.tfstate`), stateText(7));
  const writes = h.aws.calls.filter((c) =>
    /createObjectIfAbsent|putObjectText|deleteLockObject/.test(c),
  );
  assert.deepEqual(writes, [
    `createObjectIfAbsent 111111111111 ${DEV_BUCKET} network/terraform.tfstate.tflock`,
    `putObjectText 111111111111 ${DEV_BUCKET} network/terraform.tfstate`,
    `deleteLockObject 111111111111 ${DEV_BUCKET} network/terraform.tfstate.tflock`,
  ]);
  const record = result.recordDir ?? "";
  const files = ["journal.jsonl", "run.json", "adopt.json", "units/network/dev/us-east-1/log"];
  for (const file of files) {
    const text = await readFile(join(record, file), "utf8");
    assert.doesNotMatch(text, /hunter2/, file);
  }
  assert.doesNotMatch(JSON.stringify(result.report), /hunter2/);
});

test("a state of another account is refused, naming its resource; nothing is written", async () => {
  const h = await prepared();
  const result = await run(h, NETWORK_DEV, { workspace: "prod" });
  assert.equal(result.exit, "problems");
  const unit = result.report?.units[0];
  assert.equal(unit?.outcome, "refused");
  assert.match(
    unit?.problems[0]?.message ?? "",
    /holds resources of prod \(333333333333\), not of dev \(111111111111\): aws_ssm_parameter\.p \(arn arn:aws:ssm:us-east-1:333333333333:parameter\/p\)/,
  );
  assert.equal(h.aws.calls.filter((c) => /putObject|createObject/.test(c)).length, 0);
});

test("an address holding another state is refused; --force keeps it in the run record (0600) before replacing it", async () => {
  const h = await prepared();
  const theirs = stateText(2, "111111111111", "lin-other");
  h.aws.objects.set(`${DEV_BUCKET}/network/terraform.tfstate`, theirs);
  const refused = await run(h, NETWORK_DEV, { workspace: "dev" });
  assert.equal(refused.report?.units[0]?.outcome, "refused");
  assert.equal(refused.report?.units[0]?.problems[0]?.code, "adopt/destination-not-empty");
  assert.equal(h.aws.objects.get(`${DEV_BUCKET}/network/terraform.tfstate`), theirs);

  const forced = await run(h, NETWORK_DEV, { workspace: "dev" }, { force: true });
  assert.equal(forced.report?.units[0]?.outcome, "adopted");
  const backup = join(h.loaded.dir, forced.report?.units[0]?.replaced_backup ?? "missing");
  assert.equal(await readFile(backup, "utf8"), theirs);
  assert.equal((await stat(backup)).mode & 0o777, 0o600);
  assert.ok(backup.startsWith(join(h.loaded.dir, ".crossform", "runs")));
  assert.equal(h.aws.objects.get(`${DEV_BUCKET}/network/terraform.tfstate`), stateText(7));

  const again = await run(h, NETWORK_DEV, { workspace: "dev" });
  assert.equal(again.report?.units[0]?.outcome, "already-adopted");
});

test("a copy that reads back differently fails, naming what differs; the lock is released", async () => {
  const h = await prepared();
  h.aws.damagedWrites.set(`${DEV_BUCKET}/network/terraform.tfstate`, stateText(6));
  const result = await run(h, NETWORK_DEV, { workspace: "dev" });
  assert.equal(result.exit, "problems");
  const unit = result.report?.units[0];
  assert.equal(unit?.outcome, "failed");
  assert.match(
    unit?.problems[0]?.message ?? "",
    /is not the source state: serial 6, the source's 7/,
  );
  assert.ok(h.aws.calls.some((c) => c.startsWith("deleteLockObject")));
  assert.equal(result.run?.units[0]?.status, "failed");
});

test("a held lock stops the copy before anything is written", async () => {
  const h = await prepared();
  h.aws.objects.set(`${DEV_BUCKET}/network/terraform.tfstate.tflock`, '{"ID":"other"}');
  const result = await run(h, NETWORK_DEV, { workspace: "dev" });
  assert.equal(result.report?.units[0]?.problems[0]?.code, "adopt/lock-held");
  assert.equal(h.aws.objects.has(`${DEV_BUCKET}/network/terraform.tfstate`), false);
  assert.equal(
    h.aws.objects.get(`${DEV_BUCKET}/network/terraform.tfstate.tflock`),
    '{"ID":"other"}',
  );
});

test("the run commands stop a unit whose address is empty while its committed earlier address holds a state", async () => {
  const h = await prepared();
  const backend = join(h.loaded.dir, "stacks", "network", "backends", "dev.s3.tfbackend");
  const current = await readFile(backend, "utf8");
  h.git.history.set(backend, [
    { commit: "c".repeat(40), text: current },
    { commit: "b".repeat(40), text: current.replace("network/terraform.tfstate", "net.tfstate") },
  ]);
  h.aws.objects.set(`${DEV_BUCKET}/net.tfstate`, stateText(3));
  const units = [h.loaded.units.byId.get(NETWORK_DEV)!, h.loaded.units.byId.get(APP_DEV)!];
  const checked = await checkEarlierStates(h.deps, h.loaded, units, options({}));
  const messages = checked.stop?.diagnostics.map((d) => d.message) ?? [];
  assert.equal(messages.length, 2);
  assert.equal(
    messages[0],
    `${NETWORK_DEV} has no state at s3://${DEV_BUCKET}/network/terraform.tfstate, but its earlier address s3://${DEV_BUCKET}/net.tfstate (from commit bbbbbbbbbbbb) holds a state with 1 resource: run now, it would start from an empty state and create it again`,
  );
  assert.match(
    checked.stop?.diagnostics[0]?.hint ?? "",
    /crossform adopt --from-previous --target network\/dev\/us-east-1/,
  );

  h.aws.objects.set(`${DEV_BUCKET}/network/terraform.tfstate`, stateText(3));
  const adopted = await checkEarlierStates(h.deps, h.loaded, units, options({}));
  assert.equal(adopted.stop, undefined);
});

test("an adopt killed while copying: the next run says so once and names the lock it may have left", async () => {
  const h = await prepared();
  const id = "20260115-090000-dead";
  const dir = join(h.loaded.dir, ".crossform", "runs", id);
  await mkdir(dir, { recursive: true });
  const at = new Date(Date.UTC(2026, 0, 15, 9, 0, 0)).toISOString();
  const lines = [
    {
      type: "run",
      v: 1,
      id,
      command: "adopt",
      started_at: at,
      terraform_version: "",
      selection: { stacks: [], targets: [NETWORK_DEV], all: false },
      process: { pid: 2 ** 30, started: "gone:1" },
      units: [
        {
          id: NETWORK_DEV,
          stack: "network",
          account: "dev",
          account_id: "111111111111",
          region: "us-east-1",
          wave: 0,
          approval: false,
          log_path: `.crossform/runs/${id}/units/${NETWORK_DEV}/log`,
        },
      ],
    },
    { type: "unit", at, unit: NETWORK_DEV, event: "started", step: "plan" },
    { type: "unit", at, unit: NETWORK_DEV, event: "applying" },
  ];
  await writeFile(join(dir, "journal.jsonl"), lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
  h.aws.objects.set(
    `${DEV_BUCKET}/network/terraform.tfstate.tflock`,
    JSON.stringify({ ID: "lock-1", Operation: "crossform adopt", Who: "alice" }),
  );
  const first = await runCommand(h.deps, h.loaded, options({ targets: [NETWORK_DEV] }));
  const crashed = first.diagnostics.filter((d) => d.code === "run/crashed-run");
  assert.deepEqual(
    crashed.map((d) => d.message),
    [
      `${NETWORK_DEV}: crossform adopt stopped (run ${id}) while it was copying the unit's state (the copy may or may not be there); the source is untouched; run the adopt again: it checks the unit's address anew`,
    ],
  );
  const lock = first.diagnostics.find((d) => d.code === "run/lock-possibly-held");
  assert.match(lock?.message ?? "", /lock-1/);
  const second = await runCommand(h.deps, h.loaded, options({ targets: [NETWORK_DEV] }));
  assert.equal(second.diagnostics.filter((d) => d.code === "run/crashed-run").length, 0);
});
