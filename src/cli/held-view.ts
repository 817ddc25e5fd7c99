/**
 * A progress view that can hold its events while the operator answers a question: a live view
 * redraws its lines in place and would draw over the question and the answer being typed.
 */
import type { ProgressView } from "../adapters/terminal/progress-view.ts";
import type { ProgressEvent } from "../ports/event-sink.ts";

/** A progress view with {@link HeldView.holding}. */
export interface HeldView extends ProgressView {
  /** Clears the live lines, holds every event until `ask` settles, then draws them. */
  holding<T>(ask: () => Promise<T>): Promise<T>;
}

/** Wraps `view`; questions asked through {@link HeldView.holding} come one at a time. */
export function heldView(view: ProgressView): HeldView {
  let held: ProgressEvent[] | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const hold = async <T>(ask: () => Promise<T>): Promise<T> => {
    view.close();
    held = [];
    try {
      return await ask();
    } finally {
      const events = held;
      held = undefined;
      for (const event of events) view.emit(event);
    }
  };
  return {
    emit(event) {
      if (held) held.push(event);
      else view.emit(event);
    },
    close: () => view.close(),
    holding<T>(ask: () => Promise<T>): Promise<T> {
      const turn = queue.then(() => hold(ask));
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}
