/**
 * The progress stream of a use case: typed events, emitted as things happen, drawn by whoever
 * listens (a live view on a terminal, timestamped lines in CI, nothing in a library call). Use cases
 * never print; they emit. The events are generic tasks and messages so that verify, bootstrap and
 * the run engine share one view. Every event may carry a stable `code` from the registry in
 * `core/events/event-codes.ts`: match on codes, never on texts.
 */
import type { EventCode } from "../core/events/event-codes.ts";

/** How a task ended. */
export type TaskStatus = "ok" | "failed" | "skipped" | "warning";

/** A unit of work began (an account being verified, a unit being planned). */
export interface TaskStartedEvent {
  type: "task-started";
  /** Stable code of the event. */
  code?: EventCode;
  /** Stable id of the task within the run, e.g. `verify/dev` or `plan/app/dev/us-east-1`. */
  id: string;
  /** Short text to show, e.g. `dev (111111111111)`. */
  label: string;
}

/** A unit of work ended. */
export interface TaskFinishedEvent {
  type: "task-finished";
  /** Stable code of the event. */
  code?: EventCode;
  /** The id given in the matching {@link TaskStartedEvent}. */
  id: string;
  label: string;
  status: TaskStatus;
  /** One line on the outcome, e.g. `identity ok, 1 state bucket ok` or the failure. */
  detail: string;
}

/** Something to tell the operator that belongs to no single task, or adds to one. */
export interface MessageEvent {
  type: "message";
  /** Stable code of the event. */
  code?: EventCode;
  level: "info" | "warning" | "error";
  text: string;
  /** The task the message is about, when there is one. */
  taskId?: string;
}

/** Every event a use case emits. */
export type ProgressEvent = TaskStartedEvent | TaskFinishedEvent | MessageEvent;

/** Receives progress events; implementations must not throw. */
export interface EventSink {
  emit(event: ProgressEvent): void;
}
