/** CloudFormation, narrowed, on the AWS SDK v3 client. */
import { CreateStackCommand, paginateListStacks } from "@aws-sdk/client-cloudformation";
import type { Capability, CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { CloudFormationApi } from "../../ports/aws.ts";
import type { AwsCall } from "./aws-call.ts";

/** {@link CloudFormationApi} on one SDK client. */
export class SdkCloudFormationApi implements CloudFormationApi {
  readonly #client: CloudFormationClient;
  readonly #call: AwsCall;

  constructor(client: CloudFormationClient, call: AwsCall) {
    this.#client = client;
    this.#call = call;
  }

  async createStack(name: string, templateBody: string, capabilities: string[]): Promise<void> {
    await this.#call(
      "cloudformation:CreateStack",
      () =>
        this.#client.send(
          new CreateStackCommand({
            StackName: name,
            TemplateBody: templateBody,
            Capabilities: capabilities as Capability[],
          }),
        ),
      { resource: `stack ${name}` },
    );
  }

  // ListStacks, not DescribeStacks: a missing stack is then an absent entry, not an error to read.
  async describeStackStatus(name: string): Promise<string | undefined> {
    return this.#call(
      "cloudformation:ListStacks",
      async () => {
        let status: string | undefined;
        let latest = 0;
        for await (const page of paginateListStacks({ client: this.#client }, {})) {
          for (const s of page.StackSummaries ?? []) {
            if (s.StackName !== name || s.StackStatus === "DELETE_COMPLETE") continue;
            const at = s.LastUpdatedTime?.getTime() ?? s.CreationTime?.getTime() ?? 0;
            if (status === undefined || at >= latest) {
              status = s.StackStatus;
              latest = at;
            }
          }
        }
        return status;
      },
      { resource: `stack ${name}` },
    );
  }
}
