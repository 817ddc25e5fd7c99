// A copy of examples/quickstart or of a fixture directory for one test file, and what its
// crossform.yaml says: the configuration, the units, and lookups that fail the test with a clear
// message when a name is not there.
import assert from "node:assert/strict";
import { cp, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Config } from "../../src/core/config/model.ts";
import { readConfigText } from "../../src/core/config/read-config.ts";
import type { Unit } from "../../src/core/units/units.ts";

/** A copied example and its configuration. */
export interface ExampleCopy {
  /** The copy's directory (crossform.yaml is at its top). */
  dir: string;
  config: Config;
  units: Unit[];
  /** The 12-digit id of an account of the configuration. */
  accountId(name: string): string;
  /** A unit of the configuration, by id. */
  unit(id: string): Unit;
}

/**
 * Copies `source` to `dir`, leaving out what runs write (`.crossform`, `.terraform`), and reads its
 * crossform.yaml, which must be valid.
 */
export async function copyExample(source: string, dir: string): Promise<ExampleCopy> {
  await cp(source, dir, {
    recursive: true,
    filter: (path) => ![".crossform", ".terraform"].includes(basename(path)),
  });
  const read = readConfigText(
    await readFile(join(dir, "crossform.yaml"), "utf8"),
    "crossform.yaml",
  );
  assert.ok(read.ok, `${source}/crossform.yaml is valid`);
  const { config } = read;
  const units = read.units.units;
  return {
    dir,
    config,
    units,
    accountId(name) {
      const id = config.accounts.get(name)?.id;
      assert.ok(id, `account ${name} is in ${source}/crossform.yaml`);
      return id;
    },
    unit(id) {
      const found = units.find((u) => u.id === id);
      assert.ok(found, `${id} is a unit of ${source}`);
      return found;
    },
  };
}
