/**
 * What crossform and a terraform relay (`terraform-relay.ts`) tell each other, and where: the
 * request goes through the relay's stdin (closed once written), everything else through files next
 * to the unit's log, so that nothing ties the relay to the crossform process that started it
 * (docs/decisions/0027-terraform-outlives-crossform.md).
 */
import { fileURLToPath } from "node:url";
import type { RecordWriteProblem, StdoutTarget } from "../../ports/terraform-runner.ts";

/** What the relay runs and where it writes. */
export interface RelayRequest {
  v: 1;
  /** Binary name on the child's PATH, or a path. */
  binary: string;
  args: string[];
  cwd: string;
  /** Terraform's whole environment (core/run/child-env.ts); never the relay's own. */
  env: Record<string, string>;
  /** The unit's log, appended to (0600, its directory 0700). */
  logFile: string;
  /** Never `capture`: captured commands run without a relay (captured-process.ts). */
  stdout: Exclude<StdoutTarget, "capture">;
  /** Where terraform's exit status is written when it ends ({@link statusFileOf}). */
  statusFile: string;
  /** Values redacted wherever they appear, on top of the patterns of `core/run/redact.ts`. */
  secrets: string[];
}

/** How the command ended, as the relay writes it into the status file. */
export interface RelayStatus {
  v: 1;
  /** Terraform's process id (its group is the relay's). */
  pid?: number;
  exit_code: number | null;
  signal: string | null;
  /** Set when terraform could not be started: the error of `spawn`. */
  start_error?: { code?: string; message: string };
  started_at: string;
  ended_at: string;
  duration_ms: number;
  /** The stop signal the process group received (SIGINT, SIGTERM, SIGHUP), if any. */
  interrupted_by?: string;
  /** With stdout to the log: its redacted tail; to a file: "". */
  stdout: string;
  /** stderr, redacted, its tail. */
  stderr: string;
  stdout_bytes: number;
  /** Record files that could not be written (the log, the stdout file). */
  write_problems: RecordWriteProblem[];
}

/** Where the relay writes the exit status of the command logging into `logFile`. */
export function statusFileOf(logFile: string): string {
  return `${logFile}.status`;
}

/** The relay's script: its built `.js`, or its `.ts` source when crossform runs from source. */
export function relayScript(): string {
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  return fileURLToPath(new URL(`./terraform-relay.${ext}`, import.meta.url));
}

/** The relay's request as the line it reads first. */
export function encodeRequest(request: RelayRequest): string {
  return `${JSON.stringify(request)}\n`;
}

/**
 * The line that lets the relay start terraform, written once the run has journaled the relay's
 * pid; the relay's stdin is then closed.
 */
export const GO = "go\n";

/**
 * The line that tells the relay not to start terraform: a stop (Ctrl-C, SIGTERM, SIGHUP, the kill)
 * was asked for before terraform could start. The relay's stdin is then closed.
 */
export const STOP = "stop\n";

/**
 * What the relay read from its stdin until it was closed: the request, whether it may start
 * terraform (`go` came) and whether a stop came instead. A torn request is undefined.
 */
export function decodeInput(text: string): {
  request: RelayRequest | undefined;
  go: boolean;
  stopped: boolean;
} {
  const [first = "", second] = text.split("\n");
  return {
    request: decodeRequest(first),
    go: second === GO.trim(),
    stopped: second === STOP.trim(),
  };
}

function decodeRequest(text: string): RelayRequest | undefined {
  try {
    const value = JSON.parse(text) as Partial<RelayRequest>;
    if (
      value.v !== 1 ||
      typeof value.binary !== "string" ||
      !Array.isArray(value.args) ||
      typeof value.cwd !== "string" ||
      typeof value.logFile !== "string" ||
      typeof value.statusFile !== "string"
    ) {
      return undefined;
    }
    return value as RelayRequest;
  } catch {
    return undefined;
  }
}

/** A status file's contents; undefined when it is missing a field or not JSON. */
export function decodeStatus(text: string): RelayStatus | undefined {
  try {
    const value = JSON.parse(text) as Partial<RelayStatus>;
    if (value.v !== 1 || !("exit_code" in value) || typeof value.stderr !== "string") {
      return undefined;
    }
    return value as RelayStatus;
  } catch {
    return undefined;
  }
}

/**
 * The relay's own exit code for a command that ended (crossform's fallback when the status file
 * could not be written): terraform's exit code, or 128 + the signal's number.
 */
export function relayExitCode(exitCode: number | null, signalNumber: number | undefined): number {
  if (exitCode !== null) return exitCode;
  return 128 + (signalNumber ?? 0);
}

/** The relay exits with this when it got no request (crossform died before sending it). */
export const RELAY_NO_REQUEST = 125;

/** The relay exits with this when terraform could not be started. */
export const RELAY_START_FAILED = 126;

/** The command line as a shell would show it, for the log's header. */
export function commandLine(binary: string, args: readonly string[]): string {
  return [binary, ...args]
    .map((a) => (/^[A-Za-z0-9_./:=@+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}

/** The footer the relay writes when terraform ends (`# exit 0 after 1.2 s`). */
const FOOTER = /^# (?:exit -?\d+|ended by [A-Z0-9]+)(?: \(interrupted\))? after \d+(?:\.\d+)? s$/;
/** A line crossform or the relay adds while the command runs (a stop sent, a failed start). */
const ANNOTATION =
  /^# (?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z (?:sent SIG|not started)|not started: |could not start: |stdout \(\d+ bytes\) )/;

/**
 * Whether a line of a unit's log that a command added is crossform's own note (the header with the
 * command and its directory, the exit footer, a stop sent) rather than terraform's output.
 * `index` is the line's position among the lines the command added (0 and 1: the header).
 */
export function isRelayNote(line: string, index: number): boolean {
  if (index < 2 && line.startsWith("# ")) return true;
  return FOOTER.test(line) || ANNOTATION.test(line);
}
