/**
 * The `base:` settings of a crossform.yaml read leniently: `discover --merge` runs on files that
 * do not validate yet (accounts it added earlier that still wait for their wave line), and
 * only needs to know which identity and region to start from.
 */
import { isMap, parseDocument } from "yaml";

/** `base.profile` and `base.region`, when the file states them as strings. */
export interface BaseSettings {
  profile: string | undefined;
  region: string | undefined;
}

/** Reads `base.profile` and `base.region`; anything unreadable counts as not set. */
export function readBaseSettings(text: string): BaseSettings {
  const doc = parseDocument(text);
  const base = isMap(doc.contents) ? doc.contents.get("base") : undefined;
  const read = (key: string): string | undefined => {
    const value = isMap(base) ? base.get(key) : undefined;
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  return { profile: read("profile"), region: read("region") };
}
