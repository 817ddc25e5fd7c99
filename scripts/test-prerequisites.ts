// What `npm test` needs from the machine, checked before anything runs (the `pretest` script).
// Terraform, moto_server, the AWS CLI and a filesystem mirror of the real hashicorp/aws provider
// must already be there: the tests never skip a real part, so their absence stops the run with
// what to do. Debian's chromium (the browser tests)
// and rsync (gitlab-ci-local, the GitLab pipeline test) are installed with apt-get when they are
// missing and this process may install packages (root, or sudo without a password); otherwise the
// run stops with the exact command to run.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { findProviderMirror, mirrorProblem } from "../test/helpers/provider-mirror.ts";

const CHROMIUM = "/usr/bin/chromium";

function onPath(tool: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function say(line: string): void {
  process.stderr.write(`test prerequisites: ${line}\n`);
}

const problems: string[] = [];
const tools: [string, string][] = [
  ["terraform", "install Terraform >= 1.10 from https://developer.hashicorp.com/terraform/install"],
  ["moto_server", 'pip install "moto[server]"'],
  ["aws", "pip install awscli"],
];
for (const [tool, install] of tools) {
  if (!onPath(tool)) problems.push(`'${tool}' is not on the PATH; install it: ${install}`);
}

// The real aws provider, without the registry: CROSSFORM_TF_PROVIDER_MIRROR, or a mirror found under /.
const mirrorProblemText = mirrorProblem(findProviderMirror());
if (mirrorProblemText !== undefined) problems.push(mirrorProblemText);

const packages: string[] = [];
if (!executable(CHROMIUM)) packages.push("chromium");
if (!onPath("rsync")) packages.push("rsync");
if (packages.length > 0) {
  const install = ["install", "-y", "--no-install-recommends", ...packages];
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const sudo = !root && onPath("sudo") && spawnSync("sudo", ["-n", "true"]).status === 0;
  const command = `${root ? "" : "sudo "}apt-get update && ${root ? "" : "sudo "}DEBIAN_FRONTEND=noninteractive apt-get ${install.join(" ")}`;
  if (onPath("apt-get") && (root || sudo)) {
    say(`installing Debian's ${packages.join(" ")} (browser tests, GitLab pipeline test)`);
    const prefix = root ? [] : ["sudo", "-n"];
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const run = (args: string[]): boolean => {
      const [bin, ...rest] = [...prefix, ...args] as [string, ...string[]];
      return spawnSync(bin, rest, { stdio: ["ignore", "inherit", "inherit"], env }).status === 0;
    };
    if (!run(["apt-get", "update"]) || !run(["apt-get", ...install])) {
      problems.push(`apt-get could not install ${packages.join(" ")}; run: ${command}`);
    }
  } else {
    problems.push(
      `${packages.join(" and ")} ${packages.length > 1 ? "are" : "is"} missing (the browser tests need ${CHROMIUM}, the GitLab pipeline test rsync); run: ${command}`,
    );
  }
}
if (packages.includes("chromium") && !executable(CHROMIUM) && problems.length === 0)
  problems.push(`${CHROMIUM} is still missing after apt-get install chromium`);
if (packages.includes("rsync") && !onPath("rsync") && problems.length === 0)
  problems.push("rsync is still missing after apt-get install rsync");

if (problems.length > 0) {
  for (const problem of problems) say(problem);
  say("stopping: the tests use the real tools and skip nothing");
  process.exit(1);
}
