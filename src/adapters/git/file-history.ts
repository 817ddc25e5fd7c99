/**
 * The committed versions of some files, newest first: one `git log` names the commits that
 * changed them, one `git cat-file --batch` reads every version. Two git processes whatever the
 * number of files or commits.
 */
import { execFile } from "node:child_process";
import { join, relative, sep } from "node:path";
import type { FileVersion } from "../../ports/git.ts";
import { git } from "./git-command.ts";

/** The versions of `paths` (absolute) in the history of HEAD of the repository holding `dir`. */
export async function fileHistory(
  dir: string,
  paths: readonly string[],
  env: Record<string, string | undefined>,
): Promise<Map<string, FileVersion[]>> {
  const history = new Map<string, FileVersion[]>();
  if (paths.length === 0) return history;
  const top = await git(["rev-parse", "--show-toplevel"], dir, env);
  if (top.missing || top.code !== 0) return history;
  const root = top.stdout.trim();
  const wanted = paths
    .map((p) => relative(root, p).split(sep).join("/"))
    .filter((p) => p !== "" && !p.startsWith(".."));
  if (wanted.length === 0) return history;
  const log = await git(
    ["log", "--format=commit %H", "--name-only", "--no-renames", "HEAD", "--", ...wanted],
    root,
    env,
  );
  if (log.code !== 0) return history;
  const requests: { commit: string; path: string }[] = [];
  const wantedSet = new Set(wanted);
  let commit = "";
  for (const line of log.stdout.split("\n")) {
    if (line.startsWith("commit ")) commit = line.slice(7).trim();
    else if (line !== "" && commit !== "" && wantedSet.has(line))
      requests.push({ commit, path: line });
  }
  if (requests.length === 0) return history;
  const contents = await catFileBatch(
    root,
    requests.map((r) => `${r.commit}:${r.path}`),
    env,
  );
  requests.forEach((request, i) => {
    const text = contents[i];
    if (text === undefined) return;
    const path = join(root, request.path);
    const versions = history.get(path) ?? [];
    versions.push({ commit: request.commit, text });
    history.set(path, versions);
  });
  return history;
}

/** `git cat-file --batch` of `objects`: each one's text, undefined when git has none (a deletion). */
function catFileBatch(
  cwd: string,
  objects: readonly string[],
  env: Record<string, string | undefined>,
): Promise<(string | undefined)[]> {
  return new Promise((resolve) => {
    const child = execFile(
      "git",
      ["cat-file", "--batch"],
      {
        cwd,
        env: { ...env, GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout) => {
        if (error !== null) {
          resolve(objects.map(() => undefined));
          return;
        }
        resolve(parseBatch(stdout, objects.length));
      },
    );
    child.stdin?.end(`${objects.join("\n")}\n`);
  });
}

/** Parses `cat-file --batch` output: `<sha> <type> <size>\n<content>\n`, or `<name> missing\n`. */
function parseBatch(output: Buffer, count: number): (string | undefined)[] {
  const texts: (string | undefined)[] = [];
  let at = 0;
  while (texts.length < count && at < output.length) {
    const end = output.indexOf(0x0a, at);
    if (end < 0) break;
    const header = output.subarray(at, end).toString("utf8");
    at = end + 1;
    const size = /^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1];
    if (size === undefined) {
      texts.push(undefined);
      continue;
    }
    const length = Number(size);
    texts.push(output.subarray(at, at + length).toString("utf8"));
    at += length + 1;
  }
  while (texts.length < count) texts.push(undefined);
  return texts;
}
