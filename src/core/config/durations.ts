/** Parses a duration written as `<digits><ms|s|m|h>` into seconds (already validated by the schema). */
export function durationSeconds(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const n = Number(match[1]);
  switch (match[2]) {
    case "ms":
      return n / 1000;
    case "s":
      return n;
    case "m":
      return n * 60;
    default:
      return n * 3600;
  }
}
