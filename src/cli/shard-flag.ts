import { parseShard } from "../core/units/shard.ts";
import type { Shard } from "../core/units/shard.ts";
import { usageError } from "./context.ts";

/** `--shard i/n` of the run commands and verify, checked; a usage error says what is wrong. */
export function shardFlag(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const parsed = parseShard(text);
  if (!parsed.ok)
    return usageError(parsed.error, "write --shard i/n with 1 <= i <= n, e.g. --shard 2/4");
  return parsed.shard;
}
