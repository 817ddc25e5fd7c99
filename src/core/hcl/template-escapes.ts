/**
 * Turns the raw text of HCL template literals into the strings Terraform sees.
 */

const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** Resolves the template escapes `$${` and `%%{` (valid in quoted strings and heredocs alike). */
export function unescapeTemplateMarkers(raw: string): string {
  return raw.replaceAll("$${", "${").replaceAll("%%{", "%{");
}

/**
 * Resolves the escapes of a quoted string literal: `\n \r \t \" \\ \uNNNN \UNNNNNNNN`, `$${` and `%%{`.
 * An unknown or cut-off escape is kept as written (Terraform rejects it; this reader only reads).
 */
export function unescapeQuoted(raw: string): string {
  if (!raw.includes("\\")) return unescapeTemplateMarkers(raw);
  let out = "";
  let i = 0;
  while (i < raw.length) {
    const char = raw[i] as string;
    if (char === "\\" && i + 1 < raw.length) {
      const next = raw[i + 1] as string;
      const simple = SIMPLE_ESCAPES[next];
      if (simple !== undefined) {
        out += simple;
        i += 2;
        continue;
      }
      const width = next === "u" ? 4 : next === "U" ? 8 : 0;
      const hex = raw.slice(i + 2, i + 2 + width);
      if (width > 0 && hex.length === width && /^[0-9a-fA-F]+$/.test(hex)) {
        const codePoint = Number.parseInt(hex, 16);
        if (codePoint <= 0x10ffff) {
          out += String.fromCodePoint(codePoint);
          i += 2 + width;
          continue;
        }
      }
    }
    if ((char === "$" || char === "%") && raw[i + 1] === char && raw[i + 2] === "{") {
      out += `${char}{`;
      i += 3;
      continue;
    }
    out += char;
    i += 1;
  }
  return out;
}

/**
 * Removes the common leading indentation of a `<<-` heredoc's content, as Terraform does.
 * Lines holding only whitespace do not count toward the common indentation.
 */
export function stripHeredocIndentation(content: string): string {
  const lines = content.split("\n");
  let common = Number.POSITIVE_INFINITY;
  for (const line of lines) {
    if (line.trim() === "") continue;
    const indent = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    common = Math.min(common, indent);
  }
  if (!Number.isFinite(common) || common === 0) return content;
  return lines
    .map((line) => line.slice(Math.min(common, /^[ \t]*/.exec(line)?.[0].length ?? 0)))
    .join("\n");
}
