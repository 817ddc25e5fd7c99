/**
 * Redaction of values Terraform marks sensitive (docs/contract.md section 7). Terraform's JSON carries
 * each value next to a mask of the same shape (`before_sensitive`, `after_sensitive`,
 * `sensitive_values`): `true` marks a whole subtree, objects and arrays mirror the value. Masks
 * redact where they point; a second pass then scrubs every string that was sensitive anywhere
 * from everything kept, because Terraform does not mark every copy (e.g. `terraform_data`'s
 * `output` repeats a sensitive `input` unmarked, and `terraform output -json` prints sensitive
 * outputs in clear text).
 */

/** What a sensitive value is replaced with. */
export const SENSITIVE = "(sensitive)";

/** What a value only known after apply is shown as. */
export const KNOWN_AFTER_APPLY = "(known after apply)";

/**
 * Strings at least this long are also scrubbed where they appear inside longer strings; shorter
 * ones only where a whole value equals them (a sensitive `"1"` must not blank every digit).
 */
export const MIN_SUBSTRING_SECRET = 6;

/** Terraform's sensitivity or unknown mask: `true`/`false`, or an object or array mirroring the value. */
export type ValueMask = boolean | ValueMask[] | { [key: string]: ValueMask };

type Json = unknown;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a mask marks anything (a `true` anywhere in it). */
export function maskMarks(mask: unknown): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(maskMarks);
  if (isRecord(mask)) return Object.values(mask).some(maskMarks);
  return false;
}

/** The part of a mask that covers `key` of its value (a `true` covers every part). */
export function maskAt(mask: unknown, key: string | number): unknown {
  if (mask === true) return true;
  if (Array.isArray(mask) && typeof key === "number") return mask[key];
  if (isRecord(mask)) return mask[String(key)];
  return false;
}

/** `value` with every part its sensitivity mask marks replaced by {@link SENSITIVE}. */
export function redactByMask(value: Json, mask: unknown): Json {
  if (mask === true) return SENSITIVE;
  if (Array.isArray(value) && Array.isArray(mask)) {
    return value.map((item, i) => redactByMask(item, mask[i]));
  }
  if (isRecord(value) && isRecord(mask)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactByMask(item, mask[key]);
    return out;
  }
  return value;
}

/**
 * `value` with every part its unknown mask (`after_unknown`) marks replaced by
 * {@link KNOWN_AFTER_APPLY}, adding the keys Terraform leaves out of `after` because they are unknown.
 */
export function markUnknown(value: Json, mask: unknown): Json {
  if (mask === true) return KNOWN_AFTER_APPLY;
  if (!maskMarks(mask)) return value;
  if (Array.isArray(mask)) {
    const items = Array.isArray(value) ? [...value] : [];
    for (let i = 0; i < mask.length; i += 1) {
      if (maskMarks(mask[i])) items[i] = markUnknown(items[i] ?? null, mask[i]);
    }
    return items;
  }
  if (isRecord(mask)) {
    const out: Record<string, unknown> = isRecord(value) ? { ...value } : {};
    for (const [key, sub] of Object.entries(mask)) {
      if (maskMarks(sub)) out[key] = markUnknown(out[key] ?? null, sub);
    }
    return out;
  }
  return value;
}

/** Adds to `into` every string of `value` that its sensitivity mask marks. */
export function collectSensitiveStrings(value: Json, mask: unknown, into: Set<string>): void {
  if (mask === true) {
    collectStrings(value, into);
    return;
  }
  if (Array.isArray(value) && Array.isArray(mask)) {
    value.forEach((item, i) => collectSensitiveStrings(item, mask[i], into));
  } else if (isRecord(value) && isRecord(mask)) {
    for (const [key, item] of Object.entries(value)) collectSensitiveStrings(item, mask[key], into);
  }
}

/** Adds every non-empty string leaf of `value` (numbers as text too) to `into`. */
export function collectStrings(value: Json, into: Set<string>): void {
  if (typeof value === "string") {
    if (value !== "" && value !== SENSITIVE) into.add(value);
  } else if (typeof value === "number") {
    into.add(String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, into);
  } else if (isRecord(value)) {
    for (const item of Object.values(value)) collectStrings(item, into);
  }
}

/** A scrubber for a set of sensitive strings: values and free text. */
export interface Scrubber {
  /** `value` with every string equal to a secret, or containing a long enough one, redacted. */
  value<T>(value: T): T;
  /** `text` with every secret of {@link MIN_SUBSTRING_SECRET} or more characters replaced. */
  text(text: string): string;
}

/** Builds a {@link Scrubber} for `secrets`. */
export function createScrubber(secrets: Iterable<string>): Scrubber {
  const exact = new Set<string>();
  for (const s of secrets) if (s !== "") exact.add(s);
  // Longest first, so that a secret containing another is replaced whole.
  const long = [...exact]
    .filter((s) => s.length >= MIN_SUBSTRING_SECRET)
    .sort((a, b) => b.length - a.length);
  const text = (input: string): string => {
    let out = input;
    for (const secret of long) if (out.includes(secret)) out = out.split(secret).join(SENSITIVE);
    return out;
  };
  const scrub = (value: unknown): unknown => {
    if (typeof value === "string") return exact.has(value) ? SENSITIVE : text(value);
    if (Array.isArray(value)) return value.map(scrub);
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = scrub(item);
      return out;
    }
    return value;
  };
  return { value: <T>(value: T) => scrub(value) as T, text };
}
