import { spawn } from "node:child_process";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";

// @actions/workflow-parser imports its JSON schema without an import attribute, which Node's ESM
// loader refuses: this hook adds `type: json` to that package's JSON imports only.
registerHooks({
  load(url, context, nextLoad) {
    if (url.endsWith(".json") && url.includes("/@actions/workflow-parser/")) {
      return nextLoad(url, {
        ...context,
        importAttributes: { ...context.importAttributes, type: "json" },
      });
    }
    return nextLoad(url, context);
  },
});

/** What GitHub's own workflow parser made of a workflow file. */
export interface ParsedWorkflow {
  /** Parse and schema errors, with line and column. */
  errors: string[];
  /** Job ids with the ids each needs, in file order. */
  jobs: { id: string; needs: string[] }[];
}

/** Parses a workflow with `@actions/workflow-parser` (the parser of GitHub's language services). */
export async function parseGithubWorkflow(name: string, content: string): Promise<ParsedWorkflow> {
  const parser = await import("@actions/workflow-parser");
  const result = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || result.value === undefined) return { errors, jobs: [] };
  const template = await parser.convertWorkflowTemplate(result.context, result.value);
  const more = (template.errors ?? []).map((e) => e.Message);
  return {
    errors: more,
    jobs: template.jobs.map((job) => ({
      id: job.id.value,
      needs: (job.needs ?? []).map((n) => n.value),
    })),
  };
}

/** The gitlab-ci-local entry point (run with this Node: it needs Node >= 22). */
export const gitlabCiLocal = fileURLToPath(
  new URL("../../node_modules/gitlab-ci-local/dist/index.js", import.meta.url),
);

/** What one gitlab-ci-local invocation printed and returned. */
export interface GitlabCiLocalResult {
  code: number | null;
  output: string;
}

/** Runs gitlab-ci-local in `cwd` with `args`, argv only, in the given environment. */
export function runGitlabCiLocal(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<GitlabCiLocalResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [gitlabCiLocal, "--no-color", ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
