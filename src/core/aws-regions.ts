/**
 * The AWS regions crossform knows, by partition: a region outside this list is a `validate` error
 * with the closest name (a typo such as `us-east1` or `eu-west-l` would otherwise reach Terraform
 * in every unit, or create state buckets nobody meant).
 *
 * Source: the AWS SDK for JavaScript v3, `@aws-sdk/core` 3.981.1,
 * `dist-es/submodules/client/util-endpoints/lib/aws/partitions.js` (the SDK's `partitions.json`:
 * each partition's `regions`, without the `aws-global`-style pseudo regions). A region AWS opens
 * later is added here by a crossform release (docs/decisions/0022-inputs-inside-the-repository.md).
 */

/** Regions by partition, as the SDK lists them. */
export const AWS_PARTITION_REGIONS: Readonly<Record<string, readonly string[]>> = {
  aws: [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "me-west-1",
    "mx-central-1",
    "sa-east-1",
    "sa-west-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
  ],
  "aws-cn": ["cn-north-1", "cn-northwest-1"],
  "aws-eusc": ["eusc-de-east-1"],
  "aws-iso": ["us-iso-east-1", "us-iso-west-1"],
  "aws-iso-b": ["us-isob-east-1", "us-isob-west-1"],
  "aws-iso-e": ["eu-isoe-west-1"],
  "aws-iso-f": ["us-isof-east-1", "us-isof-south-1"],
  "aws-us-gov": ["us-gov-east-1", "us-gov-west-1"],
};

const PARTITION_OF = new Map<string, string>(
  Object.entries(AWS_PARTITION_REGIONS).flatMap(([partition, regions]) =>
    regions.map((region) => [region, partition] as const),
  ),
);

/** Every known region, sorted. */
export const AWS_REGIONS: readonly string[] = [...PARTITION_OF.keys()].sort();

/** Whether `region` is a region crossform knows. */
export function isKnownRegion(region: string): boolean {
  return PARTITION_OF.has(region);
}

/**
 * The AWS partition of a region (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, ...); for a region not
 * in the list, the partition its prefix implies (`cn-` China, `us-gov-` GovCloud), else `aws`.
 */
export function partitionOf(region: string): string {
  const known = PARTITION_OF.get(region);
  if (known !== undefined) return known;
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
