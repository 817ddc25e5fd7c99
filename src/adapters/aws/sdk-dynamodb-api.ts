/** DynamoDB, narrowed to lock tables, on the AWS SDK v3 client. */
import { CreateTableCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDbApi } from "../../ports/aws.ts";
import { absentOn } from "./aws-call.ts";
import type { AwsCall } from "./aws-call.ts";

/** The hash key Terraform's S3 backend writes its DynamoDB locks under. */
export const LOCK_TABLE_HASH_KEY = "LockID";

/** {@link DynamoDbApi} on one SDK client. */
export class SdkDynamoDbApi implements DynamoDbApi {
  readonly #client: DynamoDBClient;
  readonly #call: AwsCall;

  constructor(client: DynamoDBClient, call: AwsCall) {
    this.#client = client;
    this.#call = call;
  }

  async describeTable(
    table: string,
  ): Promise<{ status: string; hashKey: string | undefined } | undefined> {
    const out = await this.#call(
      "dynamodb:DescribeTable",
      () =>
        absentOn(["ResourceNotFoundException"], () =>
          this.#client.send(new DescribeTableCommand({ TableName: table })),
        ),
      { table },
    );
    if (out?.Table === undefined) return undefined;
    return {
      status: out.Table.TableStatus ?? "UNKNOWN",
      hashKey: out.Table.KeySchema?.find((k) => k.KeyType === "HASH")?.AttributeName,
    };
  }

  async createLockTable(table: string): Promise<void> {
    await this.#call(
      "dynamodb:CreateTable",
      () =>
        absentOn(["ResourceInUseException"], () =>
          this.#client.send(
            new CreateTableCommand({
              TableName: table,
              AttributeDefinitions: [{ AttributeName: LOCK_TABLE_HASH_KEY, AttributeType: "S" }],
              KeySchema: [{ AttributeName: LOCK_TABLE_HASH_KEY, KeyType: "HASH" }],
              BillingMode: "PAY_PER_REQUEST",
            }),
          ),
        ),
      { table },
    );
  }
}
