/**
 * Messages quote what the user wrote, but never all of it: a 10 MB scalar, or a whole
 * `/etc/passwd` given as `--config`, must not come back on the terminal. {@link quote} shortens one
 * value; {@link boundText} is the last guard on a whole message. Lengths count UTF-16 units (what
 * JavaScript counts); a cut never splits a surrogate pair.
 */

/** The most characters of one value a message quotes. */
export const EXCERPT_LENGTH = 60;

/** The most characters of a message or hint about the user's input. */
export const MESSAGE_LENGTH = 600;

/** The first `max` units of `text`, one less when the last would be half of a surrogate pair. */
function head(text: string, max: number): string {
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/**
 * `text` as a JSON string, shortened to its first {@link EXCERPT_LENGTH} characters with the
 * length it has: `"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/us"… (1204 characters)`.
 */
export function quote(text: string, max = EXCERPT_LENGTH): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(head(text, max))}… (${text.length} characters)`;
}

/** `text` cut at {@link MESSAGE_LENGTH} characters, saying how much was left out. */
export function boundText(text: string, max = MESSAGE_LENGTH): string {
  if (text.length <= max) return text;
  const kept = head(text, max);
  return `${kept}… (${text.length - kept.length} more characters)`;
}

/** `text` in backquotes, shortened as {@link quote} shortens: for keys and names in messages. */
export function codeSpan(text: string, max = EXCERPT_LENGTH): string {
  if (text.length <= max) return `\`${text}\``;
  return `\`${head(text, max)}\`… (${text.length} characters)`;
}

/** `text` as it is when short, else its first {@link EXCERPT_LENGTH} characters and `…`. */
export function shorten(text: string, max = EXCERPT_LENGTH): string {
  return text.length <= max ? text : `${head(text, max)}…`;
}
