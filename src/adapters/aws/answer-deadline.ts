/**
 * How long one AWS call may wait for an answer, retries included (`aws.request_timeout`): an
 * endpoint that accepts connections and never answers would otherwise hold a call for the SDK's
 * request timeout times its attempts, in silence. Two middlewares on every SDK client: the first
 * (once per call) sets the call's deadline; the second (once per attempt, inside the SDK's
 * retries) races the attempt against it and fails with {@link NO_ANSWER}, an error the SDK does
 * not retry. While an attempt waits, the operator is told which endpoint it waits for.
 */

/** The name of the error a call that got no answer in time fails with. */
export const NO_ANSWER = "NoAnswerError";

/** Told while a call waits for an answer. */
export interface WaitingNotice {
  /** `sts:GetCallerIdentity`. */
  operation: string;
  /** `https://sts.us-east-1.amazonaws.com`, or the `AWS_ENDPOINT_URL` in use. */
  endpoint: string;
  /** Seconds since the call started. */
  seconds: number;
  /** Seconds it may wait in all. */
  timeoutSeconds: number;
}

/** Options of {@link addAnswerDeadline}. */
export interface AnswerDeadlineOptions {
  /** Seconds a call waits for an answer, retries included. */
  timeoutSeconds: number;
  /** Told while a call waits (first after 5 s or half the timeout, then every 15 s). */
  onWaiting?: ((notice: WaitingNotice) => void) | undefined;
  /** Extra words for the notice and the error (`for account dev`). */
  about?: string | undefined;
}

type Handler = (args: { request?: unknown }) => Promise<unknown>;
type Middleware = (next: Handler, context: Record<string, unknown>) => Handler;

/** What crossform needs of an SDK client's middleware stack. */
interface MiddlewareStackLike {
  add(middleware: Middleware, options: { step: string; name: string; override?: boolean }): void;
}

const DEADLINE = "crossformAnswerDeadline";

/** `sts:GetCallerIdentity` from the SDK's `STSClient` and `GetCallerIdentityCommand`. */
function operationOf(context: Record<string, unknown>): string {
  const client = typeof context.clientName === "string" ? context.clientName : "aws";
  const command = typeof context.commandName === "string" ? context.commandName : "call";
  return `${client.replace(/Client$/, "").toLowerCase()}:${command.replace(/Command$/, "")}`;
}

/** `http://127.0.0.1:5000` from an SDK HTTP request. */
function endpointOf(request: unknown): string {
  if (typeof request !== "object" || request === null) return "the AWS endpoint";
  const r = request as { protocol?: unknown; hostname?: unknown; port?: unknown };
  if (typeof r.hostname !== "string") return "the AWS endpoint";
  const protocol = typeof r.protocol === "string" ? r.protocol : "https:";
  const port = typeof r.port === "number" ? `:${r.port}` : "";
  return `${protocol}//${r.hostname}${port}`;
}

function noAnswer(endpoint: string, seconds: number): Error {
  return Object.assign(new Error(`no answer from ${endpoint} in ${seconds} s`), {
    name: NO_ANSWER,
    endpoint,
  });
}

/** Adds the call deadline and its notices to an SDK client (see the module comment). */
export function addAnswerDeadline(
  client: { middlewareStack: unknown },
  options: AnswerDeadlineOptions,
): void {
  const stack = client.middlewareStack as MiddlewareStackLike;
  const timeoutMs = options.timeoutSeconds * 1000;
  stack.add(
    (next, context) => (args) => {
      context[DEADLINE] ??= Date.now() + timeoutMs;
      return next(args);
    },
    { step: "initialize", name: "crossformCallDeadline", override: true },
  );
  stack.add(
    (next, context) => async (args) => {
      const deadline =
        typeof context[DEADLINE] === "number" ? context[DEADLINE] : Date.now() + timeoutMs;
      const endpoint = endpointOf(args.request);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw noAnswer(endpoint, options.timeoutSeconds);
      const attempt = next(args);
      // The attempt goes on (the HTTP handler's own timeout ends it) after the deadline fails
      // the call: its late failure must not become an unhandled rejection.
      attempt.catch(() => undefined);
      const timers: ReturnType<typeof setTimeout>[] = [];
      const started = deadline - timeoutMs;
      const notify = (): void => {
        options.onWaiting?.({
          operation: `${operationOf(context)}${options.about ? ` ${options.about}` : ""}`,
          endpoint,
          seconds: Math.round((Date.now() - started) / 1000),
          timeoutSeconds: options.timeoutSeconds,
        });
        timers.push(setTimeout(notify, 15_000));
      };
      const firstNotice = started + Math.min(5_000, timeoutMs / 2) - Date.now();
      if (options.onWaiting && firstNotice < remaining)
        timers.push(setTimeout(notify, Math.max(0, firstNotice)));
      try {
        return await Promise.race([
          attempt,
          new Promise<never>((_, reject) => {
            timers.push(
              setTimeout(() => reject(noAnswer(endpoint, options.timeoutSeconds)), remaining),
            );
          }),
        ]);
      } finally {
        for (const timer of timers) clearTimeout(timer);
      }
    },
    { step: "deserialize", name: "crossformAnswerDeadline", override: true },
  );
}
