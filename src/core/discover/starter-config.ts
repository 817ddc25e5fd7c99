/**
 * The commented crossform.yaml that `crossform init` writes: valid as written (one example
 * account, or the organization's accounts), with the stack and wave sections as comments to
 * uncomment once the stacks exist.
 */
import { quoted, renderFlowEntry, yamlScalar } from "./render-accounts.ts";
import type { AccountEntry } from "./render-accounts.ts";

/** The account `init` writes when it has no organization to read. */
export const EXAMPLE_ACCOUNT = { name: "dev", id: "111111111111", tier: "dev" } as const;

/** What the starter file is made of. */
export interface StarterOptions {
  /** The `$schema=` reference of the editor comment (a URL or a path relative to the file). */
  schema: string;
  /** `base.region` and the default region of every account. */
  region: string;
  /**
   * The profile named in the commented `base.profile` example (the operator's AWS_PROFILE). It
   * stays a comment: the file is committed, and CI has no such profile.
   * @default org-admin
   */
  profile: string | undefined;
  /** Accounts from the organization; undefined: one example account. */
  accounts: readonly AccountEntry[] | undefined;
  /** Tiers in promotion order (the `--ou-tier` options' order), for the example waves. */
  tiers: readonly string[];
}

function section(comment: string[], body: string[]): string {
  return [...comment.map((c) => `# ${c}`.trimEnd()), ...body].join("\n");
}

function accountsSection(options: StarterOptions): string {
  if (options.accounts === undefined) {
    const { name, id, tier } = EXAMPLE_ACCOUNT;
    return section(
      [
        "The AWS accounts, by name. Replace the example with your accounts, or run",
        "`crossform discover --merge` with the organization's management account to add them all.",
      ],
      [
        "accounts:",
        `  ${name}: { id: "${id}", tier: ${tier} } # an example: put your account's 12-digit id here`,
      ],
    );
  }
  return section(
    [
      "The ACTIVE accounts of the organization (`crossform discover`): the tag `ou` holds each",
      "account's OU path (select them with tag:ou=<path>), the comment its name in the organization.",
      "`crossform discover --merge` adds accounts that join later.",
    ],
    ["accounts:", ...options.accounts.map((entry) => `  ${renderFlowEntry(entry)}`)],
  );
}

function wavesSection(options: StarterOptions): string {
  const tiers = options.tiers.length > 0 ? options.tiers : ["dev", "prod"];
  return section(
    [
      "Promotion order for apply: every account in exactly one wave. Without `waves:`, all",
      "accounts form one wave.",
      "waves:",
      ...tiers.map((tier) => `  - [${quoted(`tier:${tier}`)}]`),
    ],
    [],
  );
}

/** The text of a starter crossform.yaml. */
export function renderStarterConfig(options: StarterOptions): string {
  const parts = [
    section(
      [
        `yaml-language-server: $schema=${options.schema}`,
        "crossform configuration: https://github.com/crossform/crossform/blob/main/docs/config.md",
        "Check it with `crossform validate`; `crossform schema` prints every key.",
      ],
      ["version: 1"],
    ),
    section(
      [
        "The identity crossform and Terraform start from: without `profile`, the default credential",
        "chain (AWS_PROFILE, SSO, environment keys, CI's web identity); `profile` pins one.",
      ],
      [
        "base:",
        `  # profile: ${yamlScalar(options.profile ?? "org-admin")}`,
        `  region: ${yamlScalar(options.region)}`,
      ],
    ),
    section(
      [
        "What every account inherits: the deploy role crossform and Terraform assume in it (a name",
        "or a full ARN; `crossform bootstrap --create-role` creates it) and the regions to deploy to.",
      ],
      ["defaults:", "  role: TerraformDeploy", `  regions: [${yamlScalar(options.region)}]`],
    ),
    section(
      [
        "One state bucket per account and region (`crossform bootstrap` creates and hardens it).",
        "`lock: s3` needs Terraform >= 1.10; write `dynamodb:<table>` for older versions.",
      ],
      [
        "state:",
        '  bucket: "crossform-state-{account_id}-{region}"',
        '  key: "{stack}/terraform.tfstate"',
        "  lock: s3",
      ],
    ),
    accountsSection(options),
    section(
      [
        "The Terraform root modules and where each deploys. Uncomment once the directory exists:",
        "stacks:",
        "  network:",
        "    path: stacks/network",
        `    accounts: [${quoted(`tier:${options.tiers[0] ?? "dev"}`)}]`,
      ],
      [],
    ),
    wavesSection(options),
  ];
  return `${parts.join("\n\n")}\n`;
}
