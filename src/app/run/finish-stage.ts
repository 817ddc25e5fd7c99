/**
 * The last stage of a run: the state locks a killed terraform may hold, the report rendered from
 * the ledger, `run.json` written, the journal closed with the run's exit. A record that cannot be
 * written is a warning naming the path and the error: the result (and the summary the CLI prints
 * from it) is complete whatever the disk does.
 */
import { join } from "node:path";
import { runExit } from "../../core/report/run-report.ts";
import { verifyDiagnostics } from "./account-gate.ts";
import { heldLockDiagnostics } from "./held-locks.ts";
import { saveRunReport } from "./run-records.ts";
import type { RunResult } from "./run-types.ts";
import type { RunSession } from "./session.ts";

/** Ends the run; see the module comment. */
export async function finishStage(session: RunSession): Promise<RunResult> {
  const { deps, options, ledger } = session;
  await session.childrenJournaled();
  const verified = await session.verification.report;
  if (!verified.ok) {
    session.diagnostics.push(
      ...verifyDiagnostics(
        session.config,
        verified,
        "their units ran no terraform, and nothing was applied where a unit of them would have",
      ),
    );
  }
  if (session.killed.length > 0) {
    const locks = await heldLockDiagnostics(
      deps.aws,
      session.config,
      [...session.units],
      session.killed,
      options.user,
    );
    session.diagnostics.push(...locks.held);
    for (const text of locks.released)
      deps.events?.emit({ type: "message", code: "run.lock-released", level: "info", text });
  }
  const report = ledger.report();
  let exit = runExit(report, { detailedExitcode: options.detailedExitcode });
  const errors = session.diagnostics.some((d) => d.severity === "error");
  if (errors && (exit === "ok" || exit === "changes")) exit = "problems";
  try {
    await saveRunReport(deps.writer, session.loaded.dir, report);
  } catch (error) {
    ledger.noteWriteFailure(join(session.recordDir, "run.json"), error);
  }
  await ledger.end(exit);
  return {
    report,
    recordDir: session.recordDir,
    diagnostics: session.secrets.value([...session.diagnostics, ...ledger.problems]),
    exit,
    ...(options.exec ? { outputs: execOutputs(session) } : {}),
  };
}

/** `crossform exec`: each unit's terraform output, for the units whose command ran. */
function execOutputs(session: RunSession): Map<string, { stdout: string; stderr: string }> {
  const outputs = new Map<string, { stdout: string; stderr: string }>();
  for (const unit of session.units) {
    const result = session.runnerOf(unit.id)?.execResult;
    if (result) outputs.set(unit.id, { stdout: result.stdout, stderr: result.stderr });
  }
  return outputs;
}
