/**
 * The lint source reader: reads, parses and takes the facts of a repository's files in worker
 * threads, one per core (parsing is most of lint's work and runs in WebAssembly, one file at a
 * time per thread), and hands back facts, never syntax trees: copying facts between threads is
 * cheap where copying trees measured about half the cost of parsing them. Small repositories are
 * read on the calling thread, where starting workers would cost more than it saves.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { LintSourceRead } from "../../core/lint/file-facts.ts";
import type { HclParser } from "../../ports/hcl-parser.ts";
import type { LintSourceReader, LintSourceRequest } from "../../ports/lint-source-reader.ts";
import { readSourcesSync } from "./read-lint-sources.ts";
import type { LintSourceBatch } from "./read-lint-sources.ts";

/** Options of the reader. */
export interface LintSourceReaderOptions {
  /** Threads that parse, the calling one included. @default the number of cores, at most 8 */
  threads?: number;
  /** Below this many files, read on the calling thread alone. @default 300 */
  inlineBelow?: number;
  /** Files per batch. @default 16 */
  batchSize?: number;
  /** Whether the calling thread parses batches too, besides the workers. @default true */
  callingThreadReads?: boolean;
  /**
   * V8 young generation of each worker, in MB. Left alone it grows with the garbage parsing makes,
   * which costs memory and buys no speed here (docs/performance.md, "Lint").
   * @default 16
   */
  workerYoungGenerationMb?: number;
}

/** Creates the reader; `parser` serves the files read on the calling thread. */
export function createLintSourceReader(
  parser: HclParser,
  options: LintSourceReaderOptions = {},
): LintSourceReader {
  const threads = options.threads ?? Math.min(availableParallelism(), 8);
  const inlineBelow = options.inlineBelow ?? 300;
  const batchSize = options.batchSize ?? 16;
  const callingThreadReads = options.callingThreadReads ?? true;
  return {
    async read(files, ruleIds) {
      const workers = Math.min(threads, Math.ceil(files.length / (inlineBelow / 2))) - 1;
      const reads =
        files.length < inlineBelow || workers < 1
          ? readSourcesSync(parser, files, ruleIds)
          : await readInThreads(
              parser,
              files,
              ruleIds,
              workers,
              batchSize,
              callingThreadReads,
              options.workerYoungGenerationMb ?? 16,
            );
      return reads.filter((read): read is LintSourceRead => read !== null);
    },
  };
}

const WORKER_URL = new URL(
  `./lint-source-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

interface WorkerReply {
  ready?: boolean;
  id?: number;
  reads?: (LintSourceRead | null)[];
}

/**
 * Shares the batches between `workers` worker threads and the calling thread: each worker keeps
 * two batches queued (a sliding window); the calling thread takes the next batch whenever it is
 * free, yielding between batches so that the workers' replies are handled.
 */
async function readInThreads(
  parser: HclParser,
  files: LintSourceRequest[],
  ruleIds: string[],
  workers: number,
  batchSize: number,
  callingThreadReads: boolean,
  youngGenerationMb: number,
): Promise<(LintSourceRead | null)[]> {
  const results: (LintSourceRead | null)[] = new Array<LintSourceRead | null>(files.length);
  const batches = Math.ceil(files.length / batchSize);
  const pool: Worker[] = [];
  let next = 0;
  let done = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const settle = (): void => {
    wake?.();
    wake = undefined;
  };
  const take = (): number | undefined => (next < batches ? next++ : undefined);
  const store = (id: number, reads: (LintSourceRead | null)[]): void => {
    reads.forEach((read, offset) => {
      results[id * batchSize + offset] = read;
    });
    done += 1;
    if (done === batches) settle();
  };
  const slice = (id: number): LintSourceRequest[] =>
    files.slice(id * batchSize, (id + 1) * batchSize);
  const send = (worker: Worker): void => {
    const id = take();
    if (id === undefined) return;
    const batch: LintSourceBatch = { id, files: slice(id), ruleIds };
    worker.postMessage(batch);
  };
  for (let i = 0; i < workers; i += 1) {
    const worker = new Worker(WORKER_URL, {
      resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb },
    });
    pool.push(worker);
    worker.on("message", (reply: WorkerReply) => {
      if (reply.ready === true) {
        send(worker);
        send(worker);
        return;
      }
      if (reply.id === undefined || reply.reads === undefined) return;
      store(reply.id, reply.reads);
      send(worker);
    });
    worker.on("error", (error) => {
      failure ??= error;
      settle();
    });
    worker.on("exit", (code) => {
      if (done < batches && code !== 0) {
        failure ??= new Error(`a lint worker stopped with code ${code}`);
        settle();
      }
    });
  }
  try {
    while (callingThreadReads) {
      // Let the workers' replies in (and queue them more work) between two batches of our own.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (failure !== undefined) throw failure;
      const id = take();
      if (id === undefined) break;
      store(id, readSourcesSync(parser, slice(id), ruleIds));
    }
    while (done < batches && failure === undefined) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure !== undefined) throw failure;
    return results;
  } finally {
    for (const worker of pool) void worker.terminate();
  }
}
