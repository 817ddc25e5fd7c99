/** STS, narrowed, on the AWS SDK v3 client. */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { STSClient } from "@aws-sdk/client-sts";
import type { CallerIdentity, StsApi } from "../../ports/aws.ts";
import type { AwsCall } from "./aws-call.ts";

/** {@link StsApi} on one SDK client. */
export class SdkStsApi implements StsApi {
  readonly #client: STSClient;
  readonly #call: AwsCall;

  constructor(client: STSClient, call: AwsCall) {
    this.#client = client;
    this.#call = call;
  }

  async getCallerIdentity(): Promise<CallerIdentity> {
    const out = await this.#call("sts:GetCallerIdentity", () =>
      this.#client.send(new GetCallerIdentityCommand({})),
    );
    return { account: out.Account ?? "", arn: out.Arn ?? "", userId: out.UserId ?? "" };
  }
}
