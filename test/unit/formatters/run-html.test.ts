import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  createRunReport,
  emptyCounts,
  parseRunReport,
} from "../../../src/core/report/run-report.ts";
import type { RunReport, UnitReport } from "../../../src/core/report/run-report.ts";
import {
  REPORT_SCRIPT,
  REPORT_SCRIPT_HASH,
  REPORT_STYLE,
  REPORT_STYLE_HASH,
} from "../../../src/formatters/run-html-assets.ts";
import { escapeHtml, formatRunHtml, unitOutcome } from "../../../src/formatters/run-html.ts";
import { generatedRunReport } from "../../helpers/generated-run-report.ts";

const FIXTURES = new URL("../../fixtures/report/", import.meta.url).pathname;
const TIERS: Record<string, string> = {
  dev: "dev",
  staging: "staging",
  prod: "prod",
  shared: "shared",
};

/** The plan-mixed fixture, with the tiers a current crossform records. */
function planMixed(): RunReport {
  const data = JSON.parse(readFileSync(`${FIXTURES}plan-mixed/report.json`, "utf8"));
  for (const unit of data.units) unit.tier = TIERS[unit.account];
  return parseRunReport(data, "plan-mixed");
}

const sha256 = (text: string) =>
  `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;

/** The values of every `attribute="..."` in `html`, in document order. */
function attributeValues(html: string, attribute: string): string[] {
  return [...html.matchAll(new RegExp(` ${attribute}="([^"]*)"`, "g"))].map((m) => m[1] ?? "");
}

test("the Content-Security-Policy names the hashes of the inline style and script", () => {
  assert.equal(
    REPORT_STYLE_HASH,
    sha256(REPORT_STYLE),
    "put this REPORT_STYLE_HASH in run-html-assets.ts",
  );
  assert.equal(
    REPORT_SCRIPT_HASH,
    sha256(REPORT_SCRIPT),
    "put this REPORT_SCRIPT_HASH in run-html-assets.ts",
  );
  const html = formatRunHtml(planMixed());
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.equal(
    csp,
    `default-src 'none'; style-src '${REPORT_STYLE_HASH}'; script-src '${REPORT_SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`,
  );
  assert.ok(html.includes(`<style>${REPORT_STYLE}</style>`));
  assert.ok(html.includes(`<script>${REPORT_SCRIPT}</script>`));
});

test("the page is self-contained: no URL but the data: icon, no external reference", () => {
  const html = formatRunHtml(generatedRunReport().report);
  assert.deepEqual(
    [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]),
    ["data:,"],
  );
  assert.doesNotMatch(html, /https?:\/\//);
  assert.doesNotMatch(html, /@import|url\(/);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.equal(html.match(/<style/g)?.length, 1);
});

test("one cell and one detail per unit, each cell with its outcome and counts", () => {
  const report = planMixed();
  const html = formatRunHtml(report);
  assert.deepEqual(
    attributeValues(html, "data-unit"),
    report.units.map((u) => u.id),
  );
  assert.deepEqual(
    attributeValues(html, "data-detail"),
    report.units.map((u) => u.id),
  );
  assert.deepEqual(attributeValues(html, "data-outcome"), [
    "changes",
    "failed",
    "not-run",
    "changes",
    "blocked",
    "destroy",
    "no-change",
    "no-change",
  ]);
  assert.deepEqual(
    attributeValues(html, "data-tier"),
    report.units.map((u) => u.tier),
  );
  // Counts only where the unit got as far as a plan.
  assert.deepEqual(attributeValues(html, "data-add"), ["1", "2", "0", "0", "0"]);
  assert.deepEqual(attributeValues(html, "data-destroy"), ["0", "0", "1", "0", "0"]);
  assert.match(
    html,
    /data-unit="network\/dev\/us-east-1"[^>]*>.*?<span class="n">\+1 ~1<\/span><\/button>/,
  );
  assert.match(
    html,
    /data-unit="network\/prod\/us-east-1"[^>]*>.*?<span class="n">-1 ±1<\/span><\/button>/,
  );
  // prod deploys to two regions: its cells name them; single-region accounts' cells do not.
  assert.match(
    html,
    /data-unit="network\/prod\/eu-west-1"[^>]*><span class="vh">[^<]*<\/span><span class="r">eu-west-1<\/span>/,
  );
  assert.match(
    html,
    /data-unit="network\/dev\/us-east-1"[^>]*><span class="vh">[^<]*<\/span><span class="l">/,
  );
});

test("accounts are rows grouped by wave then tier; stacks are columns; a stack an account lacks is an empty cell", () => {
  const html = formatRunHtml(planMixed());
  const head = /<thead>(.*?)<\/thead>/.exec(html)?.[1] ?? "";
  assert.deepEqual(
    [...head.matchAll(/<th scope="col"[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]),
    ["account", "network", "app", "dns"],
  );
  const rows = [
    ...html.matchAll(
      /<tr class="w"[^>]*><th[^>]*><span class="g">([^<]*)<\/span>|<th scope="row" class="a">([^<]*)</g,
    ),
  ].map((m) => m[1] ?? `  ${m[2]}`);
  assert.deepEqual(rows, [
    "wave 1 · tier dev",
    "  dev",
    "wave 2 · tier staging",
    "  staging",
    "wave 3 · tier prod",
    "  prod",
    "wave 4 · tier shared",
    "  shared",
  ]);
  const staging = /<tr data-g="w1-t0-">(.*?)<\/tr>/.exec(html)?.[1] ?? "";
  assert.equal(staging.match(/<td class="none"/g)?.length, 1, "staging has no dns unit");
});

test("a wave of several tiers has a heading per tier; a report without tiers has one 'no tier' filter", () => {
  const { report } = generatedRunReport();
  const html = formatRunHtml(report);
  assert.match(
    html,
    /<tr class="w" data-head="w1-"><th colspan="6" scope="rowgroup"><span class="g">wave dev<\/span>/,
  );
  assert.match(
    html,
    /<tr class="t" data-head="w1-t0-"><th colspan="6"><span class="g">tier sandbox<\/span>/,
  );
  assert.match(
    html,
    /<tr class="t" data-head="w1-t1-"><th colspan="6"><span class="g">tier dev<\/span>/,
  );
  assert.deepEqual(
    [...html.matchAll(/name="tier" value="([^"]*)"/g)].map((m) => m[1]),
    ["dev", "staging", "prod", "sandbox"],
  );

  const old = JSON.parse(readFileSync(`${FIXTURES}plan-mixed/report.json`, "utf8"));
  const oldHtml = formatRunHtml(parseRunReport(old, "old"));
  assert.deepEqual(
    [...oldHtml.matchAll(/name="tier" value="([^"]*)"/g)].map((m) => m[1]),
    [""],
  );
  assert.match(oldHtml, /> no tier <span class="more">8<\/span>/);
  assert.deepEqual(new Set(attributeValues(oldHtml, "data-tier")), new Set([""]));
});

test("the outcome filter lists the outcomes present with their counts", () => {
  const html = formatRunHtml(planMixed());
  assert.deepEqual(
    [
      ...html.matchAll(
        /name="outcome" value="([^"]*)" checked> <span class="sw [^"]*"><\/span> ([^<]*) <span class="more">(\d+)<\/span>/g,
      ),
    ].map((m) => `${m[1]}: ${m[2]} ${m[3]}`),
    [
      "destroy: destroys or replaces 1",
      "changes: changes 2",
      "no-change: no changes 2",
      "failed: failed 1",
      "blocked: blocked 1",
      "not-run: not run (skipped, not started) 1",
    ],
  );
});

test("destroys and replacements in approval accounts come first, in the caution box", () => {
  const html = formatRunHtml(planMixed());
  const caution = /<section class="note caution"[^>]*>(.*?)<\/section>/.exec(html)?.[1] ?? "";
  assert.deepEqual(attributeValues(caution, "data-warn-unit"), ["network/prod/us-east-1"]);
  assert.match(caution, /<strong>1 to destroy, 1 to replace<\/strong>/);
  assert.ok(html.indexOf('class="note caution"') < html.indexOf('id="filters"'));
  // A destroy outside approval accounts is not in it; without any there is no box.
  const data = JSON.parse(readFileSync(`${FIXTURES}plan-mixed/report.json`, "utf8"));
  data.units[5].approval = false;
  assert.doesNotMatch(formatRunHtml(parseRunReport(data, "x")), /class="note caution"/);

  const { report } = generatedRunReport();
  const wanted = report.units
    .filter((u) => u.approval && (u.summary?.destroy ?? 0) + (u.summary?.replace ?? 0) > 0)
    .map((u) => u.id);
  assert.ok(wanted.length > 0);
  assert.deepEqual(attributeValues(formatRunHtml(report), "data-warn-unit"), wanted);
});

test("a unit's detail holds its resource changes, drift, output changes, error, reason and log", () => {
  const html = formatRunHtml(planMixed());
  const detail = (id: string) =>
    new RegExp(
      `<section class="detail" id="d-\\d+" data-detail="${id}"[^>]*>([\\s\\S]*?)</section>`,
    ).exec(html)?.[1] ?? "";
  const network = detail("network/dev/us-east-1");
  assert.match(network, /<h2 id="h-0" tabindex="-1"><code>network\/dev\/us-east-1<\/code><\/h2>/);
  assert.match(network, /<dt>account<\/dt><dd>dev <code>111111111111<\/code><\/dd>/);
  assert.match(network, /<dt>tier<\/dt><dd>dev<\/dd>/);
  assert.match(network, /<dt>log<\/dt><dd><code>\.crossform\/runs\/[^<]*\/log<\/code><\/dd>/);
  assert.deepEqual(
    attributeValues(network, "data-address"),
    planMixed().units[0]?.changes.map((c) => c.address),
  );
  assert.match(network, /<h3>Output changes<\/h3>/);
  const prod = detail("network/prod/us-east-1");
  assert.match(
    prod,
    /<td class="x-replace">replace<\/td><td><code>[^<]*<\/code><\/td><td>(<code>[^<]*<\/code>(, )?)*<\/td><td><code>[^<]*<\/code>/,
  );
  const app = detail("app/dev/us-east-1");
  assert.match(
    app,
    /<h3>Error <code>terraform\/plan-failed<\/code><\/h3><pre class="err">Error: Invalid reference\n/,
  );
  assert.match(app, /<p>hint: declare variable &#34;missing&#34; in stacks\/app<\/p>/);
  assert.match(
    detail("app/staging/us-east-1"),
    /<h3>Reason<\/h3><pre class="err">network\/staging\/us-east-1 has no state yet<\/pre>/,
  );
  assert.match(detail("dns/shared/us-east-1"), /<p>No resource or output changes\.<\/p>/);
  // Every detail starts hidden; the script opens one at a time.
  assert.equal(html.match(/<section class="detail"[^>]*hidden>/g)?.length, 8);
});

test("sensitive values appear as the report holds them, (sensitive), and nothing else", () => {
  const report = planMixed();
  const unit = report.units[0] as UnitReport;
  unit.outputs_changed = [
    {
      name: "password",
      action: "update",
      before: "(sensitive)",
      after: "(sensitive)",
      sensitive: true,
    },
    { name: "id", action: "create", before: null, after: "(known after apply)", sensitive: false },
  ];
  const html = formatRunHtml(report);
  assert.match(
    html,
    /<tr><td><code>password<\/code> <span class="more">\(sensitive\)<\/span><\/td><td>update<\/td><td><i class="ph">\(sensitive\)<\/i><\/td><td><i class="ph">\(sensitive\)<\/i><\/td><\/tr>/,
  );
  assert.match(
    html,
    /<tr><td><code>id<\/code><\/td><td>create<\/td><td><\/td><td><i class="ph">\(known after apply\)<\/i><\/td><\/tr>/,
  );
});

test("metadata: command, who, when, commit, terraform version, duration, selection, interrupted", () => {
  const html = formatRunHtml(planMixed());
  const meta = /<dl class="meta">(.*?)<\/dl>/.exec(html)?.[1] ?? "";
  const facts = Object.fromEntries(
    [...meta.matchAll(/<dt>([^<]*)<\/dt><dd>(.*?)<\/dd>/g)].map((m) => [
      m[1],
      m[2]?.replace(/<[^>]*>/g, ""),
    ]),
  );
  assert.deepEqual(facts, {
    run: "20261124-105500-plan-7f3a",
    command: "plan",
    who: "alice",
    started: "2026-11-24T10:55:00.000Z",
    finished: "2026-11-24T10:56:05.250Z",
    duration: "1m05s",
    "git commit": "4f2a9c1e8b7d",
    terraform: "1.11.4",
    selection: "--all",
    interrupted: "no",
  });
  assert.match(html, /<title>crossform plan 20261124-105500-plan-7f3a<\/title>/);
  assert.match(
    html,
    /<h1>crossform plan: 3 to add, 1 to change, 1 to destroy, 1 to replace, 1 moved, 1 to import, 3 outputs changed<\/h1>/,
  );
  const interrupted = formatRunHtml(generatedRunReport().report);
  assert.match(interrupted, /<dt>interrupted<\/dt><dd><strong>yes<\/strong><\/dd>/);
  assert.match(
    interrupted,
    /<p class="note warning" role="status">The run was interrupted: \d+ units interrupted, \d+ not started\.<\/p>/,
  );
});

const HOSTILE = `</script><script>alert(1)</script>"><img src=x onerror=alert(2)>'&amp;<!--`;

/** A report with the hostile text in every string a report can hold. */
function hostileReport(): RunReport {
  const h = (prefix: string) => `${prefix}${HOSTILE}`;
  const unit: UnitReport = {
    id: h("id"),
    stack: h("stack"),
    account: h("account"),
    account_id: h("1"),
    tier: h("tier"),
    region: h("region"),
    wave: 0,
    approval: true,
    status: "failed",
    has_changes: true,
    summary: { ...emptyCounts(), destroy: 1 },
    changes: [
      {
        address: h("addr"),
        previous_address: h("prev"),
        action: "delete",
        importing: true,
        attributes: [h("attr")],
        replaced_by: [h("forced")],
      },
    ],
    drifted: [
      {
        address: h("drift"),
        action: "update",
        importing: false,
        attributes: [h("a")],
        replaced_by: [],
      },
    ],
    outputs_changed: [
      {
        name: h("out"),
        action: "update",
        before: h("b"),
        after: { [h("k")]: h("v") },
        sensitive: false,
      },
    ],
    outputs: [{ name: h("o"), sensitive: false, type: "string", value: h("value") }],
    error: { code: h("code"), message: h("message"), hint: h("hint") },
    reason: h("reason"),
    log_path: h("log"),
    duration_ms: 1,
  };
  return createRunReport({
    run: {
      id: h("run"),
      command: "plan",
      started_at: h("start"),
      finished_at: h("end"),
      duration_ms: 1,
      user: h("user"),
      git_commit: h("commit"),
      terraform_version: h("tf"),
      selection: { stacks: [h("s")], targets: [h("t")], all: false },
      interrupted: true,
    },
    units: [unit],
    waves: [
      {
        index: 0,
        name: h("wave"),
        status: "halted",
        tolerance: 0,
        canary_accounts: [h("canary")],
        failed_accounts: [h("failed")],
      },
    ],
  });
}

const TAGS = new Set(
  "html head meta link title style body main header h1 h2 h3 p dl dt dd div section ul li button code strong span form fieldset legend label input b table thead tbody tr th td pre i small script".split(
    " ",
  ),
);
const ATTRIBUTES =
  /^(class|id|lang|charset|http-equiv|content|name|rel|href|type|value|checked|title|role|tabindex|hidden|colspan|scope|for|aria-[a-z]+|data-[a-z-]+)$/;

test("every string from the report is escaped: no tag, attribute or script of its own", () => {
  const html = formatRunHtml(hostileReport());
  assert.equal(html.match(/<script/gi)?.length, 1);
  assert.equal(html.match(/<\/script/gi)?.length, 1);
  assert.doesNotMatch(html, /<img|<!--/i);
  // Every tag is one the formatter writes, with attributes it writes, values quoted.
  const tag = /<\/?([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*>/g;
  for (const m of html.matchAll(tag)) {
    assert.ok(TAGS.has(m[1] ?? ""), `tag ${m[0]}`);
    for (const a of (m[2] ?? "").matchAll(/([a-zA-Z-]+)(?:="[^"]*")?/g))
      assert.match(a[1] ?? "", ATTRIBUTES, `attribute in ${m[0]}`);
  }
  // Outside the tags, the style and the script, no markup character is left.
  const text = html
    .replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, "")
    .replace(/^<!doctype html>/, "")
    .replace(tag, "");
  assert.doesNotMatch(text, /[<>]/);
  // The hostile text is there, escaped, wherever the report holds it.
  const escaped = escapeHtml(HOSTILE);
  for (const prefix of [
    "id",
    "addr",
    "prev",
    "attr",
    "forced",
    "drift",
    "out",
    "code",
    "message",
    "hint",
    "reason",
    "log",
    "user",
    "commit",
    "tf",
    "wave",
    "canary",
  ])
    assert.ok(html.includes(`${prefix}${escaped}`), prefix);
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    "&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;",
  );
});

test("long errors and long resource lists are cut, saying how much is left", () => {
  const report = planMixed();
  const app = report.units[1] as UnitReport;
  app.error = { message: Array.from({ length: 500 }, (_, i) => `line ${i}`).join("\n") };
  const network = report.units[0] as UnitReport;
  network.changes = Array.from({ length: 250 }, (_, i) => ({
    address: `terraform_data.r[${i}]`,
    action: "create" as const,
    importing: false,
    attributes: [],
    replaced_by: [],
  }));
  const html = formatRunHtml(report);
  assert.match(
    html,
    /line 59\n<span class="more">… \d+ more characters in \.crossform\/runs\/[^<]*\/log<\/span><\/pre>/,
  );
  assert.doesNotMatch(html, /line 60\n/);
  assert.match(html, /<p class="more">… and 50 more in report\.json<\/p>/);
});

test("outcomes: the status when the unit did not succeed, else destroy, changes, drift, no change", () => {
  const unit = (fields: Partial<UnitReport>): UnitReport => ({
    id: "s/a/r",
    stack: "s",
    account: "a",
    account_id: "1",
    region: "r",
    wave: 0,
    approval: false,
    status: "succeeded",
    has_changes: false,
    changes: [],
    drifted: [],
    outputs_changed: [],
    duration_ms: 0,
    ...fields,
  });
  const counts = (c: Partial<UnitReport["summary"]>) => ({ summary: { ...emptyCounts(), ...c } });
  assert.equal(
    unitOutcome(unit({ status: "failed", ...counts({ destroy: 1 }) }), "plan"),
    "failed",
  );
  assert.equal(unitOutcome(unit({ status: "blocked" }), "plan"), "blocked");
  assert.equal(unitOutcome(unit({ status: "needs-replan" }), "apply"), "needs-replan");
  assert.equal(unitOutcome(unit({ status: "interrupted" }), "apply"), "interrupted");
  assert.equal(unitOutcome(unit({ status: "skipped" }), "plan"), "not-run");
  assert.equal(unitOutcome(unit({ status: "not-started" }), "plan"), "not-run");
  assert.equal(
    unitOutcome(unit({ has_changes: true, ...counts({ add: 1, replace: 1 }) }), "plan"),
    "destroy",
  );
  assert.equal(
    unitOutcome(unit({ has_changes: true, ...counts({ destroy: 2 }) }), "destroy"),
    "destroy",
  );
  assert.equal(
    unitOutcome(unit({ has_changes: true, ...counts({ add: 1, drift: 1 }) }), "apply"),
    "changes",
  );
  assert.equal(
    unitOutcome(unit({ has_changes: true, ...counts({ outputs_changed: 1 }) }), "plan"),
    "changes",
  );
  assert.equal(unitOutcome(unit({ ...counts({ drift: 1 }) }), "plan"), "drift");
  assert.equal(
    unitOutcome(unit({ has_changes: true, ...counts({ outputs_changed: 1 }) }), "drift"),
    "drift",
  );
  assert.equal(unitOutcome(unit({ ...counts({}) }), "drift"), "no-change");
  assert.equal(unitOutcome(unit({}), "output"), "no-change");
});

test("a 200-unit report stays well under 1 MB; a report without units says so", () => {
  const html = formatRunHtml(generatedRunReport().report);
  const bytes = Buffer.byteLength(html);
  assert.ok(bytes < 500_000, `${bytes} bytes`);
  const empty = formatRunHtml(createRunReport({ run: planMixed().run, units: [] }));
  assert.match(empty, /<p>No units were selected\.<\/p>/);
  assert.doesNotMatch(empty, /data-unit=/);
});
