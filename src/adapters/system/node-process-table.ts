/**
 * {@link ProcessTable} on Linux's /proc (start time in clock ticks since boot, and the boot id, so
 * that neither a reused pid nor a reboot is mistaken for the same process); elsewhere a pid check
 * alone (`kill(pid, 0)`).
 */
import { readFile } from "node:fs/promises";
import type { ProcessIdentity, ProcessTable } from "../../ports/process-table.ts";

async function bootId(): Promise<string | undefined> {
  try {
    return (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim();
  } catch {
    return undefined;
  }
}

/**
 * Fields 3 and 22 of /proc/<pid>/stat: the state letter (`Z` for a zombie, which no longer runs)
 * and the start time in clock ticks after boot; undefined without /proc.
 */
async function procStat(pid: number): Promise<{ state: string; ticks: string } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [state, ticks] = [fields[0], fields[19]];
    return state !== undefined && ticks !== undefined ? { state, ticks } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The process table of this machine. */
export class NodeProcessTable implements ProcessTable {
  private boot: Promise<string | undefined> | undefined;

  self(): Promise<ProcessIdentity> {
    return this.identify(process.pid) as Promise<ProcessIdentity>;
  }

  async identify(pid: number): Promise<ProcessIdentity | undefined> {
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
    this.boot ??= bootId();
    const [boot, stat] = [await this.boot, await procStat(pid)];
    if (stat?.state === "Z" || stat?.state === "X") return undefined;
    return boot !== undefined && stat !== undefined
      ? { pid, started: `${boot}:${stat.ticks}` }
      : { pid };
  }

  async isRunning(target: ProcessIdentity): Promise<boolean> {
    const now = await this.identify(target.pid);
    if (now === undefined) return false;
    if (target.started === undefined || now.started === undefined) return true;
    return now.started === target.started;
  }
}
