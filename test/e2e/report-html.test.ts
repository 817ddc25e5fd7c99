// The HTML run report in a real browser (Debian's chromium through playwright-core): a generated
// report of 200 units with every outcome, and the report of a real plan of the quickstart's nine
// units (the built CLI, real terraform, moto_server, over test/fixtures/run/builtin-quickstart:
// the quickstart's accounts and stacks made of built-in resources) with planted sensitive values.
// Each cell is checked against the JSON report's unit, the detail, the filters and the caution box
// are driven as a person would, and the page may log no error and request nothing but its own
// file. Screenshots go to test-artifacts/. A missing chromium fails the test: it is never skipped.
import assert from "node:assert/strict";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { readConfigText } from "../../src/core/config/read-config.ts";
import { parseRunReport } from "../../src/core/report/run-report.ts";
import type { RunReport, UnitReport } from "../../src/core/report/run-report.ts";
import { formatRunHtml } from "../../src/formatters/run-html.ts";
import { launchChromium, watchPage } from "../helpers/browser.ts";
import type { PageWatch } from "../helpers/browser.ts";
import { emulatorCliEnv, runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { generatedRunReport } from "../helpers/generated-run-report.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv } from "../helpers/terraform.ts";

const quickstart = fileURLToPath(new URL("../fixtures/run/builtin-quickstart", import.meta.url));
const artifacts = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const root = await makeTempDir("report-html");

let browser: Browser;
before(async () => {
  browser = await launchChromium();
  await mkdir(artifacts, { recursive: true });
});
after(() => browser?.close());

/** What the page shows of one cell. */
interface Cell {
  unit: string;
  outcome: string;
  tier: string;
  add: string | null;
  change: string | null;
  destroy: string | null;
  replace: string | null;
  drift: string | null;
  text: string;
  visible: boolean;
}

/** Every cell of the page, as the browser renders it. */
function cells(page: Page): Promise<Cell[]> {
  return page.locator("button[data-unit]").evaluateAll((buttons) =>
    buttons.map((b) => ({
      unit: b.getAttribute("data-unit") ?? "",
      outcome: b.getAttribute("data-outcome") ?? "",
      tier: b.getAttribute("data-tier") ?? "",
      add: b.getAttribute("data-add"),
      change: b.getAttribute("data-change"),
      destroy: b.getAttribute("data-destroy"),
      replace: b.getAttribute("data-replace"),
      drift: b.getAttribute("data-drift"),
      text: b.textContent ?? "",
      visible: b.checkVisibility(),
    })),
  );
}

/** Opens `file` in a new page that records errors and requests (and aborts any but the file). */
async function openReport(file: string): Promise<{ page: Page; watch: PageWatch; url: string }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const url = pathToFileURL(file).href;
  const watch = await watchPage(page, (u) => u === url || u.startsWith("data:"));
  await page.goto(url);
  return { page, watch, url };
}

/** The page did nothing a self-contained report must not: no error, no request but its file. */
function assertQuiet(watch: PageWatch, url: string): void {
  assert.deepEqual(watch.errors, [], "console and page errors");
  assert.deepEqual(
    watch.requests.filter((u) => u !== url && !u.startsWith("data:")),
    [],
    "requests other than the report file",
  );
}

/** Each cell shows its unit's outcome and counts, one cell per unit. */
async function assertCellsMatch(
  page: Page,
  report: RunReport,
  outcomeOf: (unit: UnitReport) => string,
): Promise<Cell[]> {
  const shown = await cells(page);
  assert.equal(shown.length, report.units.length, "one cell per unit");
  const byUnit = new Map(shown.map((c) => [c.unit, c]));
  assert.equal(byUnit.size, shown.length, "no unit has two cells");
  for (const unit of report.units) {
    const cell = byUnit.get(unit.id);
    assert.ok(cell, `${unit.id} has a cell`);
    assert.equal(cell.outcome, outcomeOf(unit), `${unit.id}: outcome`);
    assert.equal(cell.tier, unit.tier ?? "", `${unit.id}: tier`);
    const s = unit.summary;
    for (const key of ["add", "change", "destroy", "replace", "drift"] as const) {
      assert.equal(cell[key], s === undefined ? null : String(s[key]), `${unit.id}: ${key}`);
    }
    const counts = [
      s && s.add > 0 ? `+${s.add}` : "",
      s && s.change > 0 ? `~${s.change}` : "",
      s && s.destroy > 0 ? `-${s.destroy}` : "",
      s && s.replace > 0 ? `±${s.replace}` : "",
    ].filter((c) => c !== "");
    for (const c of counts)
      assert.ok(cell.text.includes(c), `${unit.id}: "${cell.text}" shows ${c}`);
    assert.ok(cell.visible, `${unit.id} is visible`);
  }
  return shown;
}

/** The ids of the units whose detail is shown, and the resource addresses shown in it. */
async function openDetails(page: Page): Promise<{ units: string[]; addresses: string[] }> {
  const open = page.locator("section.detail:visible");
  return {
    units: await open.evaluateAll((s) => s.map((e) => e.getAttribute("data-detail") ?? "")),
    addresses: await open
      .locator("tr[data-address]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-address") ?? "")),
  };
}

test("a generated report of 200 units: cells, detail, filters and caution box in chromium", async () => {
  const { report, expected } = generatedRunReport(200);
  const file = join(root, "generated.html");
  const html = formatRunHtml(report);
  assert.ok(Buffer.byteLength(html) < 1_000_000, `${Buffer.byteLength(html)} bytes`);
  await writeFile(file, html);
  const { page, watch, url } = await openReport(file);

  const shown = await assertCellsMatch(page, report, (u) => expected.get(u.id) ?? "?");
  assert.equal(new Set(shown.map((c) => c.outcome)).size, 9, "every outcome is there");

  // A click opens that unit's detail alone, with its resource addresses; another replaces it.
  for (const unit of [
    report.units.find((u) => expected.get(u.id) === "destroy" && u.changes.length > 2),
    report.units.find((u) => expected.get(u.id) === "drift"),
    report.units.find((u) => expected.get(u.id) === "failed"),
  ]) {
    assert.ok(unit);
    await page.locator(`button[data-unit="${unit.id}"]`).click();
    const open = await openDetails(page);
    assert.deepEqual(open.units, [unit.id]);
    assert.deepEqual(
      open.addresses,
      [...unit.changes, ...unit.drifted].map((c) => c.address),
    );
    assert.equal(
      await page.locator(`button[data-unit="${unit.id}"]`).getAttribute("aria-expanded"),
      "true",
    );
    if (unit.error) {
      const text = await page.locator("section.detail:visible pre.err").textContent();
      assert.equal(text, unit.error.message.trimEnd(), "the error as the report holds it");
    }
  }
  // The keyboard: Enter on a focused cell opens it; Escape closes it and gives the focus back.
  const blocked = report.units.find((u) => expected.get(u.id) === "blocked");
  assert.ok(blocked);
  const cell = page.locator(`button[data-unit="${blocked.id}"]`);
  await cell.focus();
  await page.keyboard.press("Enter");
  assert.deepEqual((await openDetails(page)).units, [blocked.id]);
  assert.match(
    (await page.locator("section.detail:visible").textContent()) ?? "",
    new RegExp(blocked.reason ?? "?"),
  );
  await page.keyboard.press("Escape");
  assert.deepEqual((await openDetails(page)).units, []);
  assert.equal(await cell.evaluate((b) => b === b.ownerDocument.activeElement), true);

  // The tier filter hides exactly that tier's cells, the outcome filter exactly its outcomes.
  const visible = async (): Promise<string[]> =>
    (await cells(page))
      .filter((c) => c.visible)
      .map((c) => c.unit)
      .sort();
  const ids = (keep: (u: UnitReport) => boolean) =>
    report.units
      .filter(keep)
      .map((u) => u.id)
      .sort();
  await page.locator('input[name="tier"][value="prod"]').uncheck();
  assert.deepEqual(
    await visible(),
    ids((u) => u.tier !== "prod"),
  );
  await page.locator('input[name="outcome"][value="no-change"]').uncheck();
  await page.locator('input[name="outcome"][value="failed"]').uncheck();
  const filtered = ids(
    (u) => u.tier !== "prod" && !["no-change", "failed"].includes(expected.get(u.id) ?? ""),
  );
  assert.deepEqual(await visible(), filtered);
  assert.equal(await page.locator("#shown").textContent(), String(filtered.length));
  // Rows left without a visible cell are hidden too; a heading goes with its last row.
  const prodRows = page.locator("tr[data-g]", { has: page.locator('button[data-tier="prod"]') });
  assert.ok((await prodRows.count()) > 0);
  for (const row of await prodRows.all()) assert.equal(await row.isVisible(), false);
  await page.locator('input[name="tier"][value="prod"]').check();
  await page.locator('input[name="outcome"][value="no-change"]').check();
  await page.locator('input[name="outcome"][value="failed"]').check();
  assert.equal((await visible()).length, report.units.length);

  // The caution box lists exactly the approval units that destroy or replace, and opens them.
  const loud = report.units.filter(
    (u) => u.approval && (u.summary?.destroy ?? 0) + (u.summary?.replace ?? 0) > 0,
  );
  assert.ok(loud.length > 0 && loud.length < report.units.filter((u) => u.approval).length);
  const warned = await page
    .locator("#caution li[data-warn-unit]")
    .evaluateAll((items) => items.map((i) => i.getAttribute("data-warn-unit")));
  assert.deepEqual(
    warned,
    loud.map((u) => u.id),
  );
  const first = loud[0] as UnitReport;
  await page.locator(`#caution li[data-warn-unit="${first.id}"] button`).click();
  assert.deepEqual((await openDetails(page)).units, [first.id]);

  await page.screenshot({ path: join(artifacts, "report-html-200-units.png"), fullPage: false });
  assertQuiet(watch, url);
  await page.close();
});

test("a real plan of the quickstart's units: --report run.html, --format html, the record's report.html and report --format html show the JSON report, and no secret", async () => {
  const work = join(root, "quickstart");
  const home = join(root, "home");
  await cp(quickstart, work, {
    recursive: true,
    filter: (source) => ![".crossform", ".terraform"].includes(basename(source)),
  });
  // Distinctive fake secrets, each marked sensitive in its own way.
  const secrets = [
    "xf-e2e-variable-secret-4c1d",
    "xf-e2e-attribute-secret-9b2e",
    "xf-e2e-output-secret-77aa",
  ];
  await writeFile(
    join(work, "stacks", "network", "e2e_secrets.tf"),
    [
      'variable "e2e_api_token" {',
      "  type      = string",
      `  default   = "${secrets[0]}"`,
      "  sensitive = true",
      "}",
      "",
      'resource "terraform_data" "e2e_secret" {',
      `  input = { token = var.e2e_api_token, key = sensitive("${secrets[1]}") }`,
      "}",
      "",
      'output "e2e_password" {',
      `  value     = "${secrets[2]}"`,
      "  sensitive = true",
      "}",
      "",
      'output "e2e_token" {',
      "  value     = var.e2e_api_token",
      "  sensitive = true",
      "}",
      "",
    ].join("\n"),
  );
  const read = readConfigText(
    await readFile(join(work, "crossform.yaml"), "utf8"),
    "crossform.yaml",
  );
  assert.ok(read.ok, "the fixture's crossform.yaml is valid");

  const moto: MotoServer = await startMoto();
  try {
    const crossform = (...args: string[]): Promise<CliResult> =>
      runBuiltCli(args, {
        cwd: work,
        env: terraformEnv(emulatorCliEnv(moto.env, { home, root })),
      });
    const refused = await crossform("plan", "--report", "run.txt");
    assert.equal(refused.code, 2, showResult(refused));
    assert.match(refused.stderr, /--report run\.txt: the format is taken from the extension/);
    assert.match(refused.stderr, /\.md \(Markdown\), \.json or \.html/);
    const boot = await crossform("bootstrap", "--create-role");
    assert.equal(boot.code, 0, showResult(boot));
    const plan = await crossform(
      "plan",
      "--parallel",
      "8",
      "--format",
      "html",
      "--report",
      "run.html",
      "--report",
      "run.htm",
      "--report",
      "run.json",
    );
    assert.equal(plan.code, 0, showResult(plan));
    assert.match(plan.stderr, /report written: run\.html/);
    const json = await readFile(join(work, "run.json"), "utf8");
    const report = parseRunReport(JSON.parse(json), "run.json");
    assert.equal(report.units.length, read.units.units.length);
    assert.deepEqual(
      report.units.map((u) => [u.id, u.tier]),
      read.units.units.map((u) => [u.id, read.config.accounts.get(u.account)?.tier]),
      "every unit carries its account's tier",
    );

    const html = await readFile(join(work, "run.html"), "utf8");
    const recordDir = join(work, ".crossform", "runs", report.run.id);
    assert.equal(await readFile(join(recordDir, "report.html"), "utf8"), html);
    assert.equal(await readFile(join(work, "run.htm"), "utf8"), html);
    assert.equal(plan.stdout, html, "--format html prints the same page");
    const again = await crossform("report", report.run.id, "--format", "html");
    assert.equal(again.code, 0, showResult(again));
    assert.equal(again.stdout, html);
    for (const secret of secrets) {
      assert.equal(html.includes(secret), false, `${secret} is in the HTML`);
      assert.equal(json.includes(secret), false, `${secret} is in the JSON report`);
    }

    const { page, watch, url } = await openReport(join(work, "run.html"));
    // network and dns plan their resources; app is blocked until network has state.
    await assertCellsMatch(page, report, (u) =>
      u.status === "blocked" ? "blocked" : u.has_changes ? "changes" : "?",
    );
    assert.deepEqual(
      report.units.filter((u) => u.status === "blocked").map((u) => u.stack),
      ["app", "app", "app", "app"],
    );
    const network = report.units.find((u) => u.id === "network/dev/us-east-1");
    assert.ok(network);
    assert.ok(network.changes.some((c) => c.address === "terraform_data.e2e_secret"));
    await page.locator(`button[data-unit="${network.id}"]`).click();
    const open = await openDetails(page);
    assert.deepEqual(open.units, [network.id]);
    assert.deepEqual(
      open.addresses,
      network.changes.map((c) => c.address),
    );
    const detail = page.locator("section.detail:visible");
    const password = detail.locator("tr", { hasText: "e2e_password" });
    assert.match((await password.textContent()) ?? "", /create.*\(sensitive\)/);
    // Neither the DOM nor the rendered text holds a secret.
    const dom = await page.content();
    const text = await page.locator("body").innerText();
    for (const secret of secrets) {
      assert.equal(dom.includes(secret), false, `${secret} is in the DOM`);
      assert.equal(text.includes(secret), false, `${secret} is on the page`);
    }
    await page.screenshot({ path: join(artifacts, "report-html-quickstart.png"), fullPage: true });
    assertQuiet(watch, url);
    await page.close();
  } finally {
    await moto.stop();
  }
});
