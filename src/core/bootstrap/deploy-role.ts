/**
 * The deploy role that `bootstrap --create-role` creates in each account: trusted by the base
 * principal (or `bootstrap.deploy_role.trust`), with the account's external id as a condition,
 * and the managed policies of `bootstrap.deploy_role.policy_arns` attached.
 */
import type { PolicyDocument } from "./policy-document.ts";
import { parsePolicy, policiesEqual } from "./policy-document.ts";

/** The description bootstrap gives the roles it creates. */
export const DEPLOY_ROLE_DESCRIPTION =
  "crossform deploy role: Terraform and crossform assume it from the base identity";

/** A role ARN taken apart. */
export interface RoleArnParts {
  partition: string;
  accountId: string;
  /** `/` or `/path/`, as IAM writes paths. */
  path: string;
  name: string;
}

/** Splits `arn:<partition>:iam::<account>:role[/path]/<name>`; undefined when it is not one. */
export function parseRoleArn(arn: string): RoleArnParts | undefined {
  const match = /^arn:([a-z-]+):iam::(\d{12}):role(\/(?:[^/]+\/)*)([^/]+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition = "", accountId = "", path = "/", name = ""] = match;
  return { partition, accountId, path, name };
}

/**
 * The principal a trust policy can name for the identity that called `GetCallerIdentity`: an
 * assumed-role session becomes its role (IAM Identity Center roles under their fixed path), a
 * federated user becomes its account root, users and roots stay as they are (in their IAM form).
 */
export function basePrincipalOf(callerArn: string): string {
  const assumed = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (assumed) {
    const [, partition, account, role = ""] = assumed;
    const path = role.startsWith("AWSReservedSSO_") ? "aws-reserved/sso.amazonaws.com/" : "";
    return `arn:${partition}:iam::${account}:role/${path}${role}`;
  }
  const federated = /^arn:([a-z-]+):sts::(\d{12}):federated-user\//.exec(callerArn);
  if (federated) return `arn:${federated[1]}:iam::${federated[2]}:root`;
  // A user or root named in the STS form (some emulators answer so) is written in its IAM form.
  const user = /^arn:([a-z-]+):sts::(\d{12}):(user\/.+|root)$/.exec(callerArn);
  if (user) return `arn:${user[1]}:iam::${user[2]}:${user[3]}`;
  return callerArn;
}

/** The deploy role's trust policy: the principals may assume it, with the external id if any. */
export function deployRoleTrustPolicy(
  principals: readonly string[],
  externalId: string | undefined,
): PolicyDocument {
  const unique = [...new Set(principals)];
  const statement: Record<string, unknown> = {
    Effect: "Allow",
    Principal: { AWS: unique.length === 1 ? unique[0] : unique },
    Action: "sts:AssumeRole",
  };
  if (externalId !== undefined) {
    statement["Condition"] = { StringEquals: { "sts:ExternalId": externalId } };
  }
  return { Version: "2012-10-17", Statement: [statement] };
}

/**
 * Whether the trust policy read back equals the desired one in meaning. The deploy role's trust
 * is owned by crossform.yaml: any other trust policy (more principals, no external id) differs.
 */
export function trustPolicyMatches(actual: string, desired: PolicyDocument): boolean {
  const document = parsePolicy(actual);
  return document !== undefined && policiesEqual(document, desired);
}

/** The configured policy ARNs not yet attached, in configured order. Extra attachments stay. */
export function missingPolicyArns(
  attached: readonly string[],
  wanted: readonly string[],
): string[] {
  const have = new Set(attached);
  return [...new Set(wanted)].filter((arn) => !have.has(arn));
}
