/**
 * Where an existing state lives, as an S3 backend would name it: a bucket, a key, a region, an
 * optional Terraform workspace (whose state is `<workspace_key_prefix>/<workspace>/<key>`, the
 * default workspace's is `<key>`), and how to read it: the base identity, or a role.
 */

/** How a state is read: as the base identity, or through a role (assumed from the base identity). */
export type StateAccess =
  | { kind: "base" }
  | {
      kind: "role";
      roleArn: string;
      /** The account the role is in (from its ARN). */
      accountId: string;
      /** The account's name in crossform.yaml, when it has one. */
      accountName: string | undefined;
      externalId: string | undefined;
    };

/** An existing state's address. */
export interface StateSource {
  bucket: string;
  /** The backend's `key`: without the workspace prefix. */
  key: string;
  region: string;
  /** The Terraform workspace; undefined (or `default`) for the default workspace. */
  workspace: string | undefined;
  /** @default "env:" */
  workspaceKeyPrefix: string;
  access: StateAccess;
}

/** The S3 backend's default `workspace_key_prefix`. */
export const DEFAULT_WORKSPACE_KEY_PREFIX = "env:";

/** The object key of a source's state: the workspace's, or the key itself. */
export function sourceObjectKey(source: StateSource): string {
  if (source.workspace === undefined || source.workspace === "default") return source.key;
  return `${source.workspaceKeyPrefix}/${source.workspace}/${source.key}`;
}

/** `s3://bucket/key` of a bucket and object key. */
export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** `s3://bucket/<object key>` of a source. */
export function sourceUrl(source: StateSource): string {
  return s3Url(source.bucket, sourceObjectKey(source));
}

/** How a source is read, for people: `the base identity`, `role arn:...`. */
export function describeAccess(access: StateAccess): string {
  if (access.kind === "base") return "the base identity";
  const name = access.accountName === undefined ? "" : ` (account ${access.accountName})`;
  return `role ${access.roleArn}${name}`;
}
