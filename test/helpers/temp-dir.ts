import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

/**
 * Creates a fresh directory under the system temp directory, named `crossform-<prefix>-XXXXXX`,
 * and registers its removal with node:test's `after`: called inside a test it is removed when
 * that test ends, called at the top of a file when the file's tests end.
 */
export async function makeTempDir(prefix: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), `crossform-${prefix}-`));
  after(() => rm(directory, { recursive: true, force: true }));
  return directory;
}
