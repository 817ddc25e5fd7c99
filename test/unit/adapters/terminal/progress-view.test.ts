import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { createProgressView } from "../../../../src/adapters/terminal/progress-view.ts";

class Capture extends Writable {
  text = "";
  isTTY: boolean;
  columns: number;
  constructor(isTTY: boolean, columns = 200) {
    super();
    this.isTTY = isTTY;
    this.columns = columns;
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString("utf8");
    done();
  }
}

test("off a terminal: one timestamped plain line per event, no escape codes", () => {
  const stream = new Capture(false);
  const view = createProgressView({ stream, now: () => new Date("2026-01-01T10:00:00.000Z") });
  view.emit({ type: "task-started", id: "verify/dev", label: "dev (111111111111)" });
  view.emit({ type: "message", level: "warning", text: "base session expires in 20 min" });
  view.emit({
    type: "task-finished",
    id: "verify/dev",
    label: "dev (111111111111)",
    status: "failed",
    detail: "state bucket b does not exist",
  });
  view.close();
  assert.equal(
    stream.text,
    [
      "2026-01-01T10:00:00.000Z dev (111111111111): started",
      "2026-01-01T10:00:00.000Z warning: base session expires in 20 min",
      "2026-01-01T10:00:00.000Z dev (111111111111): FAILED: state bucket b does not exist",
      "",
    ].join("\n"),
  );
  assert.ok(!stream.text.includes("\x1b"), "no escape codes");
});

test("on a terminal: live lines are redrawn in place, finished tasks stay, close clears", () => {
  const stream = new Capture(true);
  const view = createProgressView({ stream, verb: "verifying", shownRunning: 2 });
  for (const name of ["dev", "staging", "prod"]) {
    view.emit({ type: "task-started", id: name, label: name });
  }
  const afterStarts = stream.text;
  // Three running, two shown: counter + 2 labels + "and 1 more" = 4 live lines.
  assert.ok(
    afterStarts.endsWith("verifying: 0 done, 3 running\n  … dev\n  … staging\n  and 1 more\n"),
    afterStarts,
  );
  view.emit({ type: "task-finished", id: "dev", label: "dev", status: "ok", detail: "fine" });
  const redraw = stream.text.slice(afterStarts.length);
  // Up four lines, erase, the permanent line, then the live block again.
  assert.equal(
    redraw,
    "\x1b[4A\r\x1b[Jok      dev: fine\nverifying: 1 done, 2 running\n  … staging\n  … prod\n",
  );
  view.close();
  assert.ok(stream.text.endsWith("\x1b[3A\r\x1b[J"));
});

test("live lines are cut to the terminal width", () => {
  const stream = new Capture(true, 20);
  const view = createProgressView({ stream });
  view.emit({ type: "task-started", id: "x", label: "a-very-long-account-name (111111111111)" });
  for (const line of stream.text.split("\n")) assert.ok(line.length < 20, line);
  view.close();
});
