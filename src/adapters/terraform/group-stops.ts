/**
 * The stops of a started command, sent to its whole process group (docs/contract.md section 7):
 * one graceful interrupt at most, then a kill; each noted in the unit's log. Shared by the relayed
 * and the captured commands.
 */
import type { ChildProcess } from "node:child_process";
import type { TerraformProcess } from "../../ports/terraform-runner.ts";

/** A command's stops, and what they did. */
export interface GroupStops {
  interrupt: TerraformProcess["interrupt"];
  kill: TerraformProcess["kill"];
  /** Whether the interrupt was sent. */
  readonly interrupted: boolean;
  /** The command ended: nothing is sent from now on. */
  ended(): void;
}

/** The stops of `child`'s process group; `note` writes a line into its log. */
export function groupStops(child: ChildProcess, note: (text: string) => void): GroupStops {
  let exited = false;
  let interruptSent = false;
  const signalGroup = (signal: NodeJS.Signals): boolean => {
    if (child.pid === undefined) return false;
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      // The group is gone.
      return false;
    }
  };
  return {
    interrupt(signal = "SIGINT") {
      if (interruptSent || exited) return false;
      interruptSent = signalGroup(signal);
      if (interruptSent) note(`sent ${signal} to the process group`);
      return interruptSent;
    },
    kill() {
      if (exited) return false;
      const sent = signalGroup("SIGKILL");
      if (sent) note("sent SIGKILL to the process group");
      return sent;
    },
    get interrupted() {
      return interruptSent;
    },
    ended() {
      exited = true;
    },
  };
}

/** A command that could not be started: nothing to stop, its result the start's error. */
export function notStarted(error: unknown): TerraformProcess {
  return {
    pid: undefined,
    interrupt: () => false,
    kill: () => false,
    result: Promise.reject(error),
  };
}
