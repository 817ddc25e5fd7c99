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
  /** Worker threads at most. @default the number of cores, at most 8 */
  workers?: number;
  /** Below this many files, read on the calling thread. @default 300 */
  inlineBelow?: number;
  /** Files per message to a worker. @default 16 */
  batchSize?: number;
}

/** Creates the reader; `parser` serves the files read on the calling thread. */
export function createLintSourceReader(
  parser: HclParser,
  options: LintSourceReaderOptions = {},
): LintSourceReader {
  const workers = options.workers ?? Math.min(availableParallelism(), 8);
  const inlineBelow = options.inlineBelow ?? 300;
  const batchSize = options.batchSize ?? 16;
  return {
    async read(files, ruleIds) {
      const count = Math.min(workers, Math.ceil(files.length / (inlineBelow / 2)));
      const reads =
        files.length < inlineBelow || count < 2
          ? readSourcesSync(parser, files, ruleIds)
          : await readInWorkers(files, ruleIds, count, batchSize);
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

/** Hands batches out to `count` workers as each finishes its previous one (a sliding window). */
function readInWorkers(
  files: LintSourceRequest[],
  ruleIds: string[],
  count: number,
  batchSize: number,
): Promise<(LintSourceRead | null)[]> {
  const results: (LintSourceRead | null)[] = new Array<LintSourceRead | null>(files.length);
  const pool: Worker[] = [];
  let next = 0;
  let done = 0;
  const batches = Math.ceil(files.length / batchSize);
  return new Promise((resolve, reject) => {
    const stop = (error?: unknown): void => {
      for (const worker of pool) void worker.terminate();
      if (error === undefined) resolve(results);
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const send = (worker: Worker): void => {
      if (next >= batches) return;
      const id = next;
      next += 1;
      const batch: LintSourceBatch = {
        id,
        files: files.slice(id * batchSize, (id + 1) * batchSize),
        ruleIds,
      };
      worker.postMessage(batch);
    };
    for (let i = 0; i < count; i += 1) {
      const worker = new Worker(WORKER_URL);
      pool.push(worker);
      worker.on("message", (reply: WorkerReply) => {
        if (reply.ready === true) {
          send(worker);
          send(worker);
          return;
        }
        const { id, reads } = reply;
        if (id === undefined || reads === undefined) return;
        reads.forEach((read, offset) => {
          results[id * batchSize + offset] = read;
        });
        done += 1;
        if (done === batches) stop();
        else send(worker);
      });
      worker.on("error", (error) => stop(error));
      worker.on("exit", (code) => {
        if (done < batches && code !== 0)
          stop(new Error(`a lint worker stopped with code ${code}`));
      });
    }
  });
}
