/**
 * Finding fingerprints: what identifies a finding across runs while the code around it moves. A
 * fingerprint hashes the rule id, the finding's message and the text of its line (whitespace
 * collapsed), never a line or column number, and ends with `:<n>`, the finding's rank among the
 * findings of one file with the same hash (in source order), so that two identical lines stay two
 * findings. Baselines key findings by rule, file and fingerprint; SARIF carries it in
 * `partialFingerprints` so code scanning tells a moved finding from a new one.
 */

/** The version of the fingerprint scheme, part of the SARIF key (`crossform/v1`). */
export const FINGERPRINT_VERSION = 1;

/** What a fingerprint is computed from. */
export interface FingerprintInput {
  ruleId: string;
  file: string;
  message: string;
  /** The text of the finding's first line. */
  sourceLine: string;
}

/** Fingerprints for findings given in report order (by file, then position); same order out. */
export function fingerprints(findings: readonly FingerprintInput[]): string[] {
  const ranks = new Map<string, number>();
  return findings.map((finding) => {
    const hash = hash64(
      [finding.ruleId, finding.message, finding.sourceLine.trim().replace(/\s+/g, " ")].join(
        "\u0000",
      ),
    );
    const key = `${finding.file}\u0000${hash}`;
    const rank = ranks.get(key) ?? 0;
    ranks.set(key, rank + 1);
    return `${hash}:${rank}`;
  });
}

/** A 64-bit non-cryptographic hash (two 32-bit FNV-1a-style lanes) as 16 hex digits. */
export function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 13), 0x27d4eb2f);
  b ^= b >>> 16;
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
