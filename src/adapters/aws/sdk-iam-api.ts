/** IAM, narrowed to the deploy role, on the AWS SDK v3 client. */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  UpdateAssumeRolePolicyCommand,
  paginateListAttachedRolePolicies,
} from "@aws-sdk/client-iam";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { IamApi } from "../../ports/aws.ts";
import { absentOn } from "./aws-call.ts";
import type { AwsCall } from "./aws-call.ts";

/** IAM returns policy documents URL-encoded; callers get the JSON text. */
function decodePolicy(document: string | undefined): string {
  if (document === undefined) return "";
  try {
    return decodeURIComponent(document);
  } catch {
    return document;
  }
}

/** {@link IamApi} on one SDK client. */
export class SdkIamApi implements IamApi {
  readonly #client: IAMClient;
  readonly #call: AwsCall;

  constructor(client: IAMClient, call: AwsCall) {
    this.#client = client;
    this.#call = call;
  }

  async getRole(name: string): Promise<{ arn: string; trustPolicy: string } | undefined> {
    const out = await this.#call(
      "iam:GetRole",
      () =>
        absentOn(["NoSuchEntity", "NoSuchEntityException"], () =>
          this.#client.send(new GetRoleCommand({ RoleName: name })),
        ),
      { resource: `role ${name}` },
    );
    if (out?.Role === undefined) return undefined;
    return {
      arn: out.Role.Arn ?? "",
      trustPolicy: decodePolicy(out.Role.AssumeRolePolicyDocument),
    };
  }

  async createRole(
    name: string,
    trustPolicy: string,
    description: string,
  ): Promise<{ arn: string }> {
    const out = await this.#call(
      "iam:CreateRole",
      () =>
        this.#client.send(
          new CreateRoleCommand({
            RoleName: name,
            AssumeRolePolicyDocument: trustPolicy,
            Description: description,
          }),
        ),
      { resource: `role ${name}` },
    );
    return { arn: out.Role?.Arn ?? "" };
  }

  async updateTrustPolicy(name: string, trustPolicy: string): Promise<void> {
    await this.#call(
      "iam:UpdateAssumeRolePolicy",
      () =>
        this.#client.send(
          new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: trustPolicy }),
        ),
      { resource: `role ${name}` },
    );
  }

  async listAttachedPolicyArns(name: string): Promise<string[]> {
    return this.#call(
      "iam:ListAttachedRolePolicies",
      async () => {
        const arns: string[] = [];
        for await (const page of paginateListAttachedRolePolicies(
          { client: this.#client },
          { RoleName: name },
        )) {
          for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
        }
        return arns;
      },
      { resource: `role ${name}` },
    );
  }

  async attachPolicy(name: string, policyArn: string): Promise<void> {
    await this.#call(
      "iam:AttachRolePolicy",
      () =>
        this.#client.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn })),
      { resource: `role ${name}` },
    );
  }
}
