/**
 * The AWS sessions that reach states: a unit's state through the role of the account that holds it
 * (the role session crossform builds per account, credentials in memory only), and an existing
 * state (`crossform adopt`'s source) through its role or the base identity.
 */
import type { StateAccess } from "../core/adopt/state-source.ts";
import type { Config } from "../core/config/model.ts";
import type { StateAddress } from "../core/units/units.ts";
import type { AccountTarget, AwsClients, AwsSessions } from "../ports/aws.ts";
import { roleSessionName } from "./verify.ts";

/** The target that reaches a unit's state: its holder account's state role, in the state's region. */
export function stateTarget(config: Config, address: StateAddress, user: string): AccountTarget {
  return {
    name: address.accountName,
    accountId: address.accountId,
    roleArn: address.roleArn,
    externalId: address.externalId,
    sessionName: roleSessionName(config, address.accountName, user),
    durationSeconds: config.session.durationSeconds,
    region: address.region,
  };
}

/** The clients that read a state through `access`, in `region`. */
export function clientsFor(
  aws: AwsSessions,
  config: Config,
  access: StateAccess,
  region: string,
  user: string,
): Promise<AwsClients> {
  if (access.kind === "base") return Promise.resolve(aws.baseClients(region));
  const name = access.accountName ?? access.accountId;
  return aws.forAccount({
    name,
    accountId: access.accountId,
    roleArn: access.roleArn,
    externalId: access.externalId,
    sessionName: roleSessionName(config, name, user),
    durationSeconds: config.session.durationSeconds,
    region,
  });
}
