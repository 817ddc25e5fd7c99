/**
 * Transient failures of `terraform init` and `terraform plan` that a retry can cure: the network
 * (timeouts, resets, DNS), AWS throttling, and provider or module downloads. Matched on
 * Terraform's own error text. Never for apply (a retried apply can apply twice), never for a held
 * lock (someone is working on that state), never for anything else: a wrong configuration fails
 * the same way every time and a retry only hides it.
 */

/** Pattern and the name crossform logs for it. */
const TRANSIENT: { pattern: RegExp; reason: string }[] = [
  {
    pattern:
      /\b(Throttling(Exception)?|RequestLimitExceeded|TooManyRequestsException|SlowDown)\b|Rate exceeded/,
    reason: "AWS throttling",
  },
  {
    pattern:
      /\b(i\/o timeout|TLS handshake timeout|connection reset by peer|connection refused|no such host|timeout awaiting response headers|Client\.Timeout exceeded|unexpected EOF)\b/,
    reason: "a network error",
  },
  {
    pattern:
      /\b(503 Service Unavailable|502 Bad Gateway|504 Gateway Timeout|InternalError|ServiceUnavailable)\b/,
    reason: "an unavailable service",
  },
  {
    pattern:
      /Failed to (install provider|query available provider packages)|could not connect to registry|Error accessing remote module registry|Failed to download module/,
    reason: "a provider or module download",
  },
];

const NEVER = /Error acquiring the state lock/;

/** Why a failure looks transient, or undefined when it does not. */
export function transientReason(stderr: string): string | undefined {
  if (NEVER.test(stderr)) return undefined;
  return TRANSIENT.find((t) => t.pattern.test(stderr))?.reason;
}

/** Waits before the second and third attempt: 2 s, then 8 s (three attempts in all). */
export const RETRY_DELAYS_MS: readonly number[] = [2000, 8000];
