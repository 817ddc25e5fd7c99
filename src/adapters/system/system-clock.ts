import { randomBytes } from "node:crypto";
import type { Clock } from "../../ports/clock.ts";

/** The real clock and a cryptographic random suffix. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  randomSuffix(): string {
    return randomBytes(3).toString("hex");
  }
}
