/**
 * Draws progress events for people. On a terminal: finished tasks scroll up as permanent lines,
 * and a few live lines at the bottom (counts, then the tasks running now) are redrawn in place with
 * ANSI cursor codes. Anywhere else (CI, a pipe, a file): one plain timestamped line per event.
 * The only place besides the CLI's own writes that puts progress on a stream.
 */
import type { EventSink, ProgressEvent, TaskStatus } from "../../ports/event-sink.ts";

/** Where to draw and how. */
export interface ProgressViewOptions {
  /** Usually stderr, so that stdout stays the command's result. */
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Redraw live lines; by default when the stream is a terminal. */
  live?: boolean;
  /** What the tasks are, for the counter line, e.g. `verifying`. */
  verb?: string;
  /**
   * Running tasks shown at once in the live view.
   * @default 4
   */
  shownRunning?: number;
  /** The clock of plain lines. */
  now?: () => Date;
}

/** A progress view: an event sink to hand to a use case, closed when the use case returns. */
export interface ProgressView extends EventSink {
  /** Removes the live lines (the summary that follows replaces them). */
  close(): void;
}

const STATUS_WORD: Record<TaskStatus, string> = {
  ok: "ok",
  failed: "FAILED",
  skipped: "skipped",
  warning: "warning",
};

/** A live view on a terminal, plain timestamped lines otherwise. */
export function createProgressView(options: ProgressViewOptions): ProgressView {
  const live = options.live ?? options.stream.isTTY === true;
  return live ? new LiveView(options) : new PlainView(options);
}

class PlainView implements ProgressView {
  readonly #stream: NodeJS.WritableStream;
  readonly #now: () => Date;

  constructor(options: ProgressViewOptions) {
    this.#stream = options.stream;
    this.#now = options.now ?? (() => new Date());
  }

  emit(event: ProgressEvent): void {
    const at = this.#now().toISOString();
    switch (event.type) {
      case "task-started":
        this.#stream.write(`${at} ${event.label}: started\n`);
        break;
      case "task-finished":
        this.#stream.write(`${at} ${event.label}: ${STATUS_WORD[event.status]}: ${event.detail}\n`);
        break;
      case "message":
        this.#stream.write(`${at} ${event.level}: ${event.text}\n`);
        break;
    }
  }

  close(): void {}
}

class LiveView implements ProgressView {
  readonly #stream: ProgressViewOptions["stream"];
  readonly #verb: string;
  readonly #shown: number;
  readonly #running = new Map<string, string>();
  #finished = 0;
  #failed = 0;
  #drawn = 0;

  constructor(options: ProgressViewOptions) {
    this.#stream = options.stream;
    this.#verb = options.verb ?? "running";
    this.#shown = options.shownRunning ?? 4;
  }

  emit(event: ProgressEvent): void {
    let permanent: string | undefined;
    switch (event.type) {
      case "task-started":
        this.#running.set(event.id, event.label);
        break;
      case "task-finished":
        this.#finished += 1;
        if (event.status === "failed") this.#failed += 1;
        this.#running.delete(event.id);
        permanent = `${STATUS_WORD[event.status].padEnd(7)} ${event.label}: ${event.detail}`;
        break;
      case "message":
        permanent = `${event.level}: ${event.text}`;
        break;
    }
    this.#redraw(permanent);
  }

  close(): void {
    this.#stream.write(this.#clear());
    this.#drawn = 0;
  }

  #clear(): string {
    // Up to the first live line, then erase to the end of the screen.
    return this.#drawn === 0 ? "" : `\x1b[${this.#drawn}A\r\x1b[J`;
  }

  #fit(line: string): string {
    const width = this.#stream.columns ?? 0;
    return width > 1 && line.length >= width ? `${line.slice(0, width - 2)}…` : line;
  }

  #redraw(permanent: string | undefined): void {
    let out = this.#clear();
    if (permanent !== undefined) out += `${this.#fit(permanent)}\n`;
    const lines: string[] = [];
    if (this.#running.size > 0) {
      lines.push(
        `${this.#verb}: ${this.#finished} done${this.#failed > 0 ? ` (${this.#failed} failed)` : ""}, ${this.#running.size} running`,
      );
      const labels = [...this.#running.values()];
      for (const label of labels.slice(0, this.#shown)) lines.push(`  … ${label}`);
      if (labels.length > this.#shown) lines.push(`  and ${labels.length - this.#shown} more`);
    }
    for (const line of lines) out += `${this.#fit(line)}\n`;
    this.#drawn = lines.length;
    this.#stream.write(out);
  }
}
