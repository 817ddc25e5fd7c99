/**
 * crossform's own AWS clients in the account that holds a unit's state, through the role that
 * reaches it (`state.role`, else that account's deploy role): what reads a lock object, a state's
 * version, or the reviewed plans kept beside the state. Never handed to a terraform process.
 */
import type { Config } from "../../core/config/model.ts";
import type { StateAddress } from "../../core/units/units.ts";
import type { AwsClients, AwsSessions } from "../../ports/aws.ts";
import { roleSessionName } from "../verify.ts";

/** The clients of the state's account, in the state's region. */
export function stateClients(
  aws: AwsSessions,
  config: Config,
  address: StateAddress,
  user: string,
): Promise<AwsClients> {
  return aws.forAccount({
    name: address.accountName,
    accountId: address.accountId,
    roleArn: address.roleArn,
    externalId: address.externalId,
    sessionName: roleSessionName(config, address.accountName, user),
    durationSeconds: config.session.durationSeconds,
    region: address.region,
  });
}
