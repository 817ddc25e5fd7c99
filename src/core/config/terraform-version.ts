/**
 * Terraform version constraints (`>= 1.10`, `~> 1.11.0`, `>= 1.6, < 2.0`): just enough to know the
 * lowest version a constraint admits and whether a given version satisfies it.
 */

/** A version as three numbers. */
export type Version = [number, number, number];

/** Parses `1.11.4` (a leading `v` and a pre-release suffix are ignored); undefined if not a version. */
export function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

/** Compares two versions: negative, zero or positive. */
export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

interface Clause {
  op: ">=" | ">" | "=" | "!=" | "<" | "<=" | "~>";
  version: Version;
  parts: number;
}

/** Parses a constraint; undefined when it is not one. */
export function parseConstraint(text: string): Clause[] | undefined {
  const clauses: Clause[] = [];
  for (const raw of text.split(",")) {
    const match = /^\s*(>=|<=|!=|~>|>|<|=)?\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(raw);
    if (!match) return undefined;
    const versionText = match[2] ?? "";
    const version = parseVersion(versionText);
    if (!version) return undefined;
    clauses.push({
      op: (match[1] ?? "=") as Clause["op"],
      version,
      parts: versionText.split(".").length,
    });
  }
  return clauses;
}

/** The lowest version a constraint admits (ignoring exclusions); [0,0,0] when it has no lower bound. */
export function lowestAdmitted(clauses: Clause[]): Version {
  let lowest: Version = [0, 0, 0];
  for (const clause of clauses) {
    let candidate: Version | undefined;
    if (clause.op === ">=" || clause.op === "=" || clause.op === "~>") candidate = clause.version;
    if (clause.op === ">")
      candidate = [clause.version[0], clause.version[1], clause.version[2] + 1];
    if (candidate && compareVersions(candidate, lowest) > 0) lowest = candidate;
  }
  return lowest;
}

/** Whether `version` satisfies every clause. */
export function satisfies(version: Version, clauses: Clause[]): boolean {
  return clauses.every((c) => {
    const cmp = compareVersions(version, c.version);
    switch (c.op) {
      case ">=":
        return cmp >= 0;
      case ">":
        return cmp > 0;
      case "=":
        return cmp === 0;
      case "!=":
        return cmp !== 0;
      case "<":
        return cmp < 0;
      case "<=":
        return cmp <= 0;
      case "~>": {
        if (cmp < 0) return false;
        if (c.parts <= 2) return version[0] === c.version[0];
        return version[0] === c.version[0] && version[1] === c.version[1];
      }
    }
  });
}
