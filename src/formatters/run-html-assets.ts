/**
 * The inline style sheet and script of the HTML run report (run-html.ts), with the SHA-256 hash of
 * each: the page's Content-Security-Policy allows exactly these two and nothing else (no network,
 * no other script, even if a report string slipped through unescaped). A unit test recomputes the
 * hashes; after an edit here, put in the values it names.
 */

/** The page's style sheet: system fonts only, responsive, the matrix scrolls on its own. */
export const REPORT_STYLE = `
:root{--bg:#f5f6f8;--fg:#1c2330;--mut:#5b6576;--line:#d9dee6;--card:#fff;--head:#eef1f5;--focus:#1f5fd6}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1320px;margin:0 auto;padding:16px}
h1{font-size:20px;margin:0 0 2px;overflow-wrap:anywhere}
h2{font-size:16px;margin:0}
h3{font-size:13px;margin:14px 0 4px;text-transform:uppercase;letter-spacing:.04em;color:var(--mut)}
code,pre,.n{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
code{overflow-wrap:anywhere}
.sub{margin:0;color:var(--mut)}
dl{margin:0}
dd{margin:0;overflow-wrap:anywhere}
dt{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--mut)}
.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px 16px;margin:12px 0;padding:10px 12px;background:var(--card);border:1px solid var(--line);border-radius:8px}
.note{margin:12px 0;padding:10px 14px;border:1px solid;border-radius:8px}
.note ul{margin:6px 0 0;padding-left:20px}
.note li{margin:2px 0}
.note li ul{margin:2px 0}
.caution{background:#fff1f0;border:2px solid #d1242f}
.caution h2{color:#a40e26}
.warning{background:#fff8e6;border-color:#d4a72c}
.link{font:inherit;color:var(--focus);background:none;border:0;padding:0;cursor:pointer;text-decoration:underline}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:stretch;margin:12px 0}
fieldset{display:flex;flex-wrap:wrap;gap:4px 14px;margin:0;padding:4px 10px 6px;border:1px solid var(--line);border-radius:8px;background:var(--card)}
legend{padding:0 4px;font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--mut)}
label{display:inline-flex;align-items:center;gap:5px;white-space:nowrap;cursor:pointer}
.shown{align-self:center;margin:0;color:var(--mut)}
.sw{display:inline-block;width:13px;height:13px;border:1px solid;border-radius:3px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;background:var(--card);border:1px solid var(--line);border-radius:8px}
.m{border-collapse:separate;border-spacing:0;min-width:100%}
.m th,.m td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.m thead th{background:var(--head);white-space:nowrap}
.m .a{position:sticky;left:0;z-index:1;background:var(--card);white-space:nowrap}
.m thead .a{z-index:2;background:var(--head)}
.m .a small{display:block;font-weight:400;color:var(--mut)}
.m tr.w th{background:#e3e8f1;font-size:13px}
.m tr.t th{background:#f3f5f8;font-weight:500;color:var(--mut);font-size:12px;padding-top:3px;padding-bottom:3px}
.g{position:sticky;left:8px}
.none{color:#b3bac5}
.cell{display:flex;gap:4px}
.u{position:relative;display:inline-flex;white-space:nowrap;flex-direction:column;align-items:flex-start;min-width:92px;margin:0;padding:3px 8px 4px;border:1px solid;border-radius:6px;font:inherit;font-size:12px;line-height:1.3;text-align:left;cursor:pointer}
.u .r{font-size:10.5px;opacity:.85}
.u .l{font-weight:600}
.u .n{font-size:11.5px}
.u:hover{filter:brightness(.96)}
.u[aria-expanded=true]{box-shadow:0 0 0 2px var(--fg)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.o-no-change{background:#edf7ed;border-color:#a9d3a9;color:#1f5220}
.o-changes{background:#fff2c2;border-color:#d9a400;color:#553f00}
.o-destroy{background:#ffd9d9;border-color:#d1242f;color:#7d0b16}
.o-drift{background:#f0e3fb;border-color:#9a5bd0;color:#4a1c72}
.o-failed{background:#b3261e;border-color:#7f1a14;color:#fff}
.o-blocked{background:#ffe3cc;border-color:#e0620d;color:#682b03}
.o-needs-replan{background:#dde9fd;border-color:#3b7be8;color:#153a78}
.o-interrupted{background:#3d4450;border-color:#22272f;color:#fff}
.o-not-run{background:#fff;border-color:#98a1ae;border-style:dashed;color:#566070}
.badge{display:inline-block;padding:1px 8px;border:1px solid;border-radius:10px;font-size:12px;font-weight:600}
.detail{margin:14px 0;padding:12px 16px 14px;background:var(--card);border:1px solid var(--line);border-radius:8px}
.dh{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:8px}
.dh h2:focus{outline:none}
.dh h2 code{font-size:15px}
.facts .wide{grid-column:1/-1}
.key{margin:0 0 6px;font-size:12px;color:var(--mut)}
.key .n{font-weight:700;color:var(--fg)}
.close{font:inherit;padding:2px 10px;border:1px solid var(--line);border-radius:6px;background:var(--head);cursor:pointer}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:6px 14px;margin:10px 0 0}
.tbl{overflow-x:auto}
.d{width:100%;border-collapse:collapse}
.d th,.d td{padding:4px 8px 4px 0;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.d th{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--mut);font-weight:600}
.x-create{color:#1a7f37}
.x-update{color:#8a5a00}
.x-delete,.x-replace{color:#c21b2b;font-weight:600}
.err{margin:8px 0 0;padding:8px 10px;max-height:360px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff5f5;border:1px solid #efb4b4;border-radius:6px}
.more{color:var(--mut);font-style:italic}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.ph{color:var(--mut)}
@media (max-width:640px){main{padding:8px}h1{font-size:17px}.u{min-width:76px}.meta{grid-template-columns:1fr 1fr}.detail{padding:10px}}
`;

/**
 * The page's script: opens a unit's detail from its cell (a button: click, Enter or Space; Escape
 * closes and gives the focus back), and hides the cells, rows and group headings the tier and
 * outcome filters leave out. It reads only the page itself.
 */
export const REPORT_SCRIPT = `
"use strict";
(function () {
  var all = function (selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); };
  var cells = all("button[data-unit]");
  var current = null;
  function expanded(id, on) {
    all("[aria-controls=\\"" + id + "\\"]").forEach(function (b) { b.setAttribute("aria-expanded", on ? "true" : "false"); });
  }
  function close() {
    if (!current) return;
    current.section.hidden = true;
    expanded(current.section.id, false);
    var opener = current.opener;
    current = null;
    if (opener && opener.offsetParent !== null) opener.focus();
  }
  function open(id, opener) {
    var section = document.getElementById(id);
    if (!section) return;
    if (current) { current.section.hidden = true; expanded(current.section.id, false); }
    section.hidden = false;
    expanded(id, true);
    current = { section: section, opener: opener };
    var heading = section.querySelector("h2");
    if (heading) heading.focus({ preventScroll: true });
    section.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-open],[data-close]");
    if (!target) return;
    if (target.hasAttribute("data-close")) close();
    else open(target.getAttribute("data-open"), target);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
  var form = document.getElementById("filters");
  var shown = document.getElementById("shown");
  function apply() {
    var checked = function (name) {
      var set = {};
      all("input[name=" + name + "]:checked", form).forEach(function (i) { set[i.value] = true; });
      return set;
    };
    var tiers = checked("tier");
    var outcomes = checked("outcome");
    var count = 0;
    cells.forEach(function (cell) {
      var visible = tiers[cell.getAttribute("data-tier")] === true && outcomes[cell.getAttribute("data-outcome")] === true;
      cell.hidden = !visible;
      if (visible) count += 1;
    });
    var rows = all("tr[data-g]");
    rows.forEach(function (row) { row.hidden = !row.querySelector("button[data-unit]:not([hidden])"); });
    all("tr[data-head]").forEach(function (head) {
      var prefix = head.getAttribute("data-head");
      head.hidden = !rows.some(function (row) { return !row.hidden && row.getAttribute("data-g").indexOf(prefix) === 0; });
    });
    if (shown) shown.textContent = String(count);
  }
  if (form) {
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }
})();
`;

/** `sha256-...` of {@link REPORT_STYLE}, as the Content-Security-Policy names it. */
export const REPORT_STYLE_HASH = "sha256-IGnVlIpAlhjwDgCn7HrWoEF1nyig2M5wjW2fm2STSIQ=";

/** `sha256-...` of {@link REPORT_SCRIPT}, as the Content-Security-Policy names it. */
export const REPORT_SCRIPT_HASH = "sha256-/EFqFFXlKcU/zLwVIGbThrisuPdlFFCbByzhd1n5XsA=";
