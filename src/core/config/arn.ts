import { partitionOf } from "../aws-regions.ts";

export { partitionOf } from "../aws-regions.ts";

/** A role name becomes `arn:<partition>:iam::<account id>:role/<name>`; an ARN stays as it is. */
export function roleArnFor(role: string, accountId: string, region: string): string {
  if (role.startsWith("arn:")) return role;
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${role}`;
}

/** The account id inside an IAM ARN, or undefined. */
export function accountIdOfArn(arn: string): string | undefined {
  const match = /^arn:[a-z-]+:iam::(\d{12}):/.exec(arn);
  return match?.[1];
}
