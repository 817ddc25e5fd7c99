/**
 * The stops of a started command, sent to its whole process group (docs/contract.md section 7):
 * one graceful interrupt at most, then a kill; each noted in the unit's log. Shared by the relayed
 * and the captured commands.
 */
import type { TerraformProcess } from "../../ports/terraform-runner.ts";
import type { SpawnedChild } from "./process-spawner.ts";

/** A command's stops, and what they did. */
export interface GroupStops {
  interrupt: TerraformProcess["interrupt"];
  kill: TerraformProcess["kill"];
  /** Whether the interrupt was sent. */
  readonly interrupted: boolean;
  /** Whether an interrupt or a kill was asked for (sent, or waiting for the pid). */
  readonly requested: boolean;
  /** The command ended: nothing is sent from now on. */
  ended(): void;
}

/**
 * The stops of `child`'s process group; `note` writes a line into its log. A stop asked for before
 * the process has its pid (it is being started) is sent the moment it has one.
 */
export function groupStops(child: SpawnedChild, note: (text: string) => void): GroupStops {
  let exited = false;
  let interruptSent = false;
  let requested = false;
  let pending: NodeJS.Signals | undefined;
  const signalGroup = (signal: NodeJS.Signals): boolean => {
    if (child.pid === undefined) {
      if (pending !== "SIGKILL") pending = signal;
      return true;
    }
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      // The group is gone.
      return false;
    }
  };
  child.once("spawn", () => {
    if (pending !== undefined && !exited) signalGroup(pending);
  });
  return {
    interrupt(signal = "SIGINT") {
      if (interruptSent || exited) return false;
      requested = true;
      const started = child.pid !== undefined;
      interruptSent = signalGroup(signal);
      if (interruptSent)
        note(
          started ? `sent ${signal} to the process group` : `${signal} asked for while starting`,
        );
      return interruptSent;
    },
    kill() {
      if (exited) return false;
      requested = true;
      const started = child.pid !== undefined;
      const sent = signalGroup("SIGKILL");
      if (sent)
        note(started ? "sent SIGKILL to the process group" : "SIGKILL asked for while starting");
      return sent;
    },
    get interrupted() {
      return interruptSent;
    },
    get requested() {
      return requested;
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
