import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A running moto_server on a loopback port, and the environment that points AWS clients at it. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the IP form, so S3 clients address buckets path-style. */
  endpoint: string;
  port: number;
  /** `AWS_ENDPOINT_URL`, the emulator's static keys and region, for the SDK, the AWS CLI and Terraform. */
  env: Record<string, string>;
  /** Clears every resource the emulator holds (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Stops the server's whole process group and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startMoto}. */
export interface StartMotoOptions {
  /** Extra environment for moto_server, e.g. `INITIAL_NO_AUTH_ACTION_COUNT` to enforce IAM. */
  env?: Record<string, string>;
}

const READY_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 5;
const STDERR_LIMIT = 16_384;

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>` (argv, no shell, its own process group) and
 * resolves once `GET /moto-api/` answers 200. A port taken between choosing and binding it is
 * retried with another; any other failure rejects with moto's stderr.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
    const port = await freeLoopbackPort();
    try {
      return await launch(port, options);
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      lastError = error;
    }
  }
  throw new Error(`moto_server could not bind a free port in ${PORT_ATTEMPTS} attempts`, {
    cause: lastError,
  });
}

class PortTakenError extends Error {}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function launch(port: number, options: StartMotoOptions): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  let stderr = "";
  child.stdout?.resume();
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_LIMIT);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
  });
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let running = true;
  void exited.then(() => {
    running = false;
  });
  while (true) {
    if (spawnError !== undefined) {
      throw new Error(
        `cannot start moto_server: ${spawnError.message}; install it with pip install "moto[server]"`,
      );
    }
    if (!running) {
      if (/address already in use/i.test(stderr)) throw new PortTakenError(stderr);
      throw new Error(
        `moto_server exited before it was ready on ${endpoint}; its stderr:\n${stderr}`,
      );
    }
    if (await answers(`${endpoint}/moto-api/`)) break;
    if (Date.now() > deadline) {
      await stopGroup(child, exited);
      throw new Error(
        `moto_server did not answer GET ${endpoint}/moto-api/ within ${READY_TIMEOUT_MS / 1000} s; its stderr:\n${stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    endpoint,
    port,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
    },
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      await response.arrayBuffer();
      if (response.status !== 200) {
        throw new Error(`POST ${endpoint}/moto-api/reset answered ${response.status}`);
      }
    },
    stop: () => stopGroup(child, exited),
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

// moto_server is often a wrapper script (pyenv shims) around Python: signal the whole group.
async function stopGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    await exited;
    return;
  }
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup("SIGTERM");
  const timer = setTimeout(() => signalGroup("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
