import assert from "node:assert/strict";
import { test } from "node:test";
import { heldView } from "../../../src/cli/held-view.ts";
import type { ProgressEvent } from "../../../src/ports/event-sink.ts";

const message = (text: string): ProgressEvent => ({ type: "message", level: "info", text });

function recording() {
  const drawn: string[] = [];
  return {
    drawn,
    view: {
      emit: (event: ProgressEvent) =>
        drawn.push(event.type === "message" ? event.text : event.type),
      close: () => drawn.push("(cleared)"),
    },
  };
}

test("events that come while a question is open are drawn after it, in order", async () => {
  const { drawn, view } = recording();
  const held = heldView(view);
  held.emit(message("before"));
  const answer = await held.holding(async () => {
    held.emit(message("during 1"));
    held.emit(message("during 2"));
    drawn.push("(question)");
    return "prod";
  });
  held.emit(message("after"));
  assert.equal(answer, "prod");
  assert.deepEqual(drawn, ["before", "(cleared)", "(question)", "during 1", "during 2", "after"]);
});

test("two questions asked at once come one after the other", async () => {
  const { drawn, view } = recording();
  const held = heldView(view);
  let release: () => void = () => {};
  const first = held.holding(
    () =>
      new Promise<string>((resolve) => {
        drawn.push("(first asked)");
        release = () => resolve("first");
      }),
  );
  const second = held.holding(async () => {
    drawn.push("(second asked)");
    return "second";
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(drawn, ["(cleared)", "(first asked)"]);
  release();
  assert.deepEqual(await Promise.all([first, second]), ["first", "second"]);
  assert.deepEqual(drawn, ["(cleared)", "(first asked)", "(cleared)", "(second asked)"]);
});
