/**
 * The one way the service wrappers call the SDK: every rejection becomes a classified
 * CrossformError carrying the identity, account and resource of the call.
 */
import { awsErrorName, classifyAwsError } from "./classify-aws-error.ts";
import type { AwsCallContext } from "./classify-aws-error.ts";

/** Who makes the calls of one set of clients: everything of {@link AwsCallContext} but the operation. */
export type AwsCallScope = Omit<AwsCallContext, "operation">;

/** Runs one SDK call as `operation` (`s3:HeadBucket`), classifying its failure. */
export type AwsCall = <T>(
  operation: string,
  run: () => Promise<T>,
  about?: Partial<AwsCallContext>,
) => Promise<T>;

/** An {@link AwsCall} for the clients of one identity. */
export function awsCall(scope: AwsCallScope): AwsCall {
  return async (operation, run, about) => {
    try {
      return await run();
    } catch (error) {
      throw classifyAwsError(error, { ...scope, ...about, operation });
    }
  };
}

/** Resolves undefined when the SDK rejects with one of `names` (the resource is absent). */
export async function absentOn<T>(
  names: readonly string[],
  run: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (names.includes(awsErrorName(error))) return undefined;
    throw error;
  }
}
