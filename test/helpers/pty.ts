/**
 * The built CLI in a pseudo-terminal, as an operator runs it: stdin, stdout and stderr are one
 * terminal (so crossform asks its questions), the test reads what the terminal shows and types
 * answers. Python's `pty` module holds the terminal (Python 3 is on these machines with the AWS
 * CLI and moto); nothing else of the test goes through it.
 */
import { spawn } from "node:child_process";
import { builtCli } from "./cli.ts";

/** Relays between this process's pipes and a child on a new pseudo-terminal; exits as the child does. */
const RELAY = `
import os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(sys.argv[1], sys.argv[1:], os.environ)
inputs = [fd, 0]
while True:
    ready, _, _ = select.select(inputs, [], [])
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
        else:
            inputs.remove(0)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`;

/** A CLI run on a terminal. */
export interface PtyCli {
  /** Everything the terminal showed so far (stdout and stderr together, answers echoed). */
  readonly screen: () => string;
  /** Resolves once the screen after `from` (a length of the screen) matches `pattern`. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<void>;
  /** Types `text` on the terminal (end it with `\n` to answer). */
  type(text: string): void;
  /** Ends the CLI (SIGKILL to the relay and the terminal's process group), e.g. after a failed wait. */
  kill(): void;
  /** The exit code and the whole screen, once the CLI has exited. */
  readonly done: Promise<{ code: number | null; screen: string }>;
}

/** Starts the built CLI with `args` on a pseudo-terminal in `cwd` with `env` (keep `CI` unset). */
export function startCliInPty(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): PtyCli {
  const child = spawn("python3", ["-c", RELAY, process.execPath, builtCli, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let screen = "";
  const waiters: { pattern: RegExp; from: number; resolve: () => void }[] = [];
  const check = (): void => {
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(screen.slice(waiter.from))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    screen += d;
    check();
  });
  let relayErrors = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (relayErrors += d));
  const done = new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, screen: relayErrors ? `${screen}\n--- relay ---\n${relayErrors}` : screen }),
    );
  });
  return {
    screen: () => screen,
    waitFor: (pattern, from = 0, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        if (pattern.test(screen.slice(from))) return resolve();
        const timer = setTimeout(
          () =>
            reject(new Error(`no ${pattern} on the terminal after ${timeoutMs} ms:\n${screen}`)),
          timeoutMs,
        );
        void done.then(() => {
          clearTimeout(timer);
          if (pattern.test(screen.slice(from))) resolve();
          else reject(new Error(`the CLI exited without showing ${pattern}:\n${screen}`));
        });
        waiters.push({
          pattern,
          from,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
    type: (text) => void child.stdin.write(text),
    kill: () => {
      try {
        // The relay's group: the CLI on the terminal is in a session of its own, killed with it
        // when the terminal closes (SIGHUP).
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    },
    done,
  };
}
