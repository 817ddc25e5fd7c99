/**
 * The worker thread of {@link createLintSourceReader}: reads, parses and takes the facts of the files
 * it is sent, and posts back the facts (never the syntax trees). One tree-sitter parser per worker.
 */
import { parentPort } from "node:worker_threads";
import type { LintSourceRead } from "../../core/lint/file-facts.ts";
import { createTreeSitterHclParser } from "./tree-sitter-hcl-parser.ts";
import { readSourcesSync } from "./read-lint-sources.ts";
import type { LintSourceBatch } from "./read-lint-sources.ts";

const port = parentPort;
if (port === null) throw new Error("lint-source-worker runs as a worker thread only");
const parser = await createTreeSitterHclParser();
port.on("message", (batch: LintSourceBatch) => {
  const reads: (LintSourceRead | null)[] = readSourcesSync(parser, batch.files, batch.ruleIds);
  port.postMessage({ id: batch.id, reads });
});
port.postMessage({ ready: true });
