/** DynamoDB, narrowed to lock tables, on the AWS SDK v3 client. */
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
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

  async acquireLock(table: string, lockId: string, info: string): Promise<boolean> {
    const taken = await this.#call(
      "dynamodb:PutItem",
      () =>
        absentOn(["ConditionalCheckFailedException"], () =>
          this.#client.send(
            new PutItemCommand({
              TableName: table,
              Item: { [LOCK_TABLE_HASH_KEY]: { S: lockId }, Info: { S: info } },
              ConditionExpression: "attribute_not_exists(LockID)",
            }),
          ),
        ),
      { table },
    );
    return taken !== undefined;
  }

  async releaseLock(table: string, lockId: string): Promise<void> {
    await this.#call(
      "dynamodb:DeleteItem",
      () =>
        this.#client.send(
          new DeleteItemCommand({
            TableName: table,
            Key: { [LOCK_TABLE_HASH_KEY]: { S: lockId } },
          }),
        ),
      { table },
    );
  }

  async putStateDigest(table: string, digestId: string, digest: string): Promise<void> {
    await this.#call(
      "dynamodb:PutItem",
      () =>
        this.#client.send(
          new PutItemCommand({
            TableName: table,
            Item: { [LOCK_TABLE_HASH_KEY]: { S: digestId }, Digest: { S: digest } },
          }),
        ),
      { table },
    );
  }
}
