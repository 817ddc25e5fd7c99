/** Time and randomness for use cases, so that core stays pure and tests can fix both. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A short random suffix for ids, `[a-z0-9]{4,}`. */
  randomSuffix(): string;
}
