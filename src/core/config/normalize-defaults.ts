/** The defaults of keys crossform.yaml may omit. */
/** Defaults of keys the user may omit (documented in docs/config.md). */
export const DEFAULTS = {
  baseRegion: "us-east-1",
  role: "TerraformDeploy",
  sessionDuration: "1h",
  sessionName: "crossform-{user}",
  bucket: "crossform-state-{account_id}-{region}",
  centralBucket: "crossform-state-{state_account_id}-{region}",
  terraformBinary: "terraform",
  terraformVersion: ">= 1.10",
  maxDestroy: 10,
  maxDestroyApproval: 0,
  maxUnits: 100,
  parallel: 4,
  lockTimeout: "0s",
  runKeep: 50,
  adminRole: "OrganizationAccountAccessRole",
  noncurrentVersionDays: 90,
  awsConnectTimeout: "10s",
  awsRequestTimeout: "30s",
} as const;

/** The lowest Terraform/OpenTofu version with `use_lockfile` in the S3 backend. */
export const S3_LOCKFILE_MINIMUM: [number, number, number] = [1, 10, 0];
