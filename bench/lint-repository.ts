// Generator of the Terraform repository linted by bench/lint.ts: reusable modules under modules/ and
// root modules under live/, written from a seeded PRNG so that every run writes the same bytes.
// Pitfalls are planted at fixed rates: account id literals, provider blocks and
// configuration_aliases in modules (some callers do not pass the alias); in roots, backends sharing
// one bucket and key, aws providers without allowed_account_ids, hard-coded profiles and roles
// chosen by terraform.workspace. Files are a few KB each, like the files of real repositories.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The shape of the generated repository. */
export interface RepositoryShape {
  /** Reusable modules (5 files each). */
  modules: number;
  /** Root modules (5 files each). */
  roots: number;
  seed: number;
}

/** What was written. */
export interface GeneratedRepository {
  files: string[];
  bytes: number;
  modules: number;
  roots: number;
}

/** Mulberry32: a small, fast, seeded PRNG returning numbers in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "alpha",
  "billing",
  "cache",
  "data",
  "edge",
  "frontend",
  "gateway",
  "hub",
  "ingest",
  "jobs",
  "kms",
  "logs",
  "metrics",
  "network",
  "orders",
  "payments",
  "queue",
  "reports",
  "search",
  "tenant",
];

interface Context {
  random: () => number;
  pick: <T>(items: readonly T[]) => T;
  chance: (p: number) => boolean;
  accountId: () => string;
}

function context(seed: number): Context {
  const random = prng(seed);
  return {
    random,
    pick: (items) => items[Math.floor(random() * items.length)] as (typeof items)[number],
    chance: (p) => random() < p,
    accountId: () => String(200_000_000_000 + Math.floor(random() * 700_000_000_000)),
  };
}

function bucketResource(c: Context, name: string, account?: string): string {
  const owner = account ?? "${data.aws_caller_identity.current.account_id}";
  return `resource "aws_s3_bucket" "${name}" {
  bucket        = "\${var.name_prefix}-${name}-\${var.environment}"
  force_destroy = false

  tags = merge(var.tags, {
    Name      = "\${var.name_prefix}-${name}"
    Component = "${c.pick(WORDS)}"
  })
}

resource "aws_s3_bucket_versioning" "${name}" {
  bucket = aws_s3_bucket.${name}.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "${name}" {
  bucket = aws_s3_bucket.${name}.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

data "aws_iam_policy_document" "${name}" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.${name}.arn, "\${aws_s3_bucket.${name}.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
  statement {
    sid     = "AllowReplicationRole"
    effect  = "Allow"
    actions = ["s3:GetObjectVersion", "s3:ReplicateObject", "s3:ReplicateDelete"]
    resources = ["\${aws_s3_bucket.${name}.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${owner}:role/replication-${name}"]
    }
  }
}

resource "aws_s3_bucket_policy" "${name}" {
  bucket = aws_s3_bucket.${name}.id
  policy = data.aws_iam_policy_document.${name}.json
}
`;
}

function roleResource(c: Context, name: string, account?: string): string {
  const trusted = account ?? "${data.aws_caller_identity.current.account_id}";
  return `# Role assumed by the ${name} workers; trusted by the account's own principals only.
resource "aws_iam_role" "${name}" {
  name                 = "\${var.name_prefix}-${name}"
  max_session_duration = ${c.pick([3600, 7200, 14400])}
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${trusted}:root" }
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "${name}" {
  name = "${name}-inline"
  role = aws_iam_role.${name}.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:aws:logs:\${var.region}:\${data.aws_caller_identity.current.account_id}:log-group:/${name}/*"
      },
      {
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = [for q in var.queue_arns : q]
      },
    ]
  })
}
`;
}

function networkResource(c: Context, name: string): string {
  const ports = [22, 80, 443, 5432, 6379, 8080, 9200];
  const rules = Array.from({ length: 3 + Math.floor(c.random() * 3) }, () => {
    const port = c.pick(ports);
    return `  ingress {
    description = "${c.pick(WORDS)} on ${port}"
    from_port   = ${port}
    to_port     = ${port}
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
`;
  }).join("");
  return `resource "aws_security_group" "${name}" {
  name_prefix = "\${var.name_prefix}-${name}-"
  description = "${name} traffic"
  vpc_id      = var.vpc_id
${rules}  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "${name}" {
  name              = "/\${var.name_prefix}/${name}"
  retention_in_days = ${c.pick([7, 14, 30, 90, 365])}
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}
`;
}

function variablesFile(c: Context, extra: number): string {
  const base = `variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
}

variable "environment" {
  description = "Environment name (dev, staging, prod)."
  type        = string
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "vpc_id" {
  type = string
}

variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "external_id" {
  type      = string
  sensitive = true
}

variable "queue_arns" {
  type    = list(string)
  default = []
}
`;
  const more = Array.from(
    { length: extra },
    (_, i) => `
variable "${c.pick(WORDS)}_setting_${i}" {
  description = "Tuning knob ${i} of the ${c.pick(WORDS)} component."
  type = object({
    enabled  = bool
    capacity = number
    labels   = map(string)
  })
  default = {
    enabled  = ${c.chance(0.5)}
    capacity = ${1 + Math.floor(c.random() * 64)}
    labels   = {}
  }
}
`,
  ).join("");
  return base + more;
}

function outputsFile(c: Context, names: string[]): string {
  return names
    .map(
      (name) => `output "${name}_bucket_arn" {
  description = "ARN of the ${name} bucket."
  value       = aws_s3_bucket.${name}.arn
}

output "${name}_role_arn" {
  value = aws_iam_role.${name}.arn
}

output "${name}_security_group_id" {
  value     = aws_security_group.${name}.id
  sensitive = ${c.chance(0.2)}
}
`,
    )
    .join("\n");
}

interface ModuleFacts {
  aliases: boolean;
}

function moduleFiles(c: Context): { files: Map<string, string>; facts: ModuleFacts } {
  const names = [c.pick(WORDS), `${c.pick(WORDS)}_${Math.floor(c.random() * 100)}`];
  // Planted pitfalls, at rates close to what public repositories show.
  const literalAccount = c.chance(0.15) ? c.accountId() : undefined;
  const provider = c.chance(0.1);
  const aliases = c.chance(0.2);
  const main = [
    `data "aws_caller_identity" "current" {}\n\ndata "aws_region" "current" {}\n`,
    ...names.map((name) => bucketResource(c, name, literalAccount)),
  ].join("\n");
  const iam = names.map((name, i) => roleResource(c, name, i === 0 ? literalAccount : undefined));
  const network = names.map((name) => networkResource(c, name)).join("\n");
  const versions = `terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.${Math.floor(c.random() * 80)}"${aliases ? "\n      configuration_aliases = [aws.peer]" : ""}
    }
  }
}
${
  provider
    ? `
provider "aws" {
  region = var.region
  default_tags {
    tags = var.tags
  }
}
`
    : ""
}${
    aliases
      ? `
resource "aws_vpc_peering_connection_accepter" "peer" {
  provider                  = aws.peer
  vpc_peering_connection_id = var.queue_arns[0]
  auto_accept               = true
}
`
      : ""
  }`;
  const files = new Map([
    ["main.tf", main],
    ["iam.tf", iam.join("\n")],
    ["network.tf", network],
    ["variables.tf", variablesFile(c, 4 + Math.floor(c.random() * 8))],
    ["outputs.tf", outputsFile(c, names) + "\n" + versions],
  ]);
  return { files, facts: { aliases } };
}

function rootFiles(
  c: Context,
  index: number,
  modules: { path: string; facts: ModuleFacts }[],
): Map<string, string> {
  const account = c.accountId();
  const env = c.pick(["dev", "staging", "prod"]);
  // One root in eight shares bucket and key with others: the copy-pasted backend.
  const sharedKey = index % 8 === 0;
  const backend = `terraform {
  required_version = ">= 1.5"
  backend "s3" {
    bucket         = "${sharedKey ? "acme-terraform-state" : `acme-tfstate-${account}`}"
    key            = "${sharedKey ? "terraform.tfstate" : `live/${env}/root-${index}/terraform.tfstate`}"
    region         = "us-east-1"
    encrypt        = true
    dynamodb_table = "terraform-locks"${c.chance(0.3) ? `\n    allowed_account_ids = ["${account}"]` : ""}
  }
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}
`;
  const workspaceRole = c.chance(0.15);
  const guarded = c.chance(0.4);
  const profile = c.chance(0.1);
  const providers = `locals {
  account_ids = {
    dev     = "${c.accountId()}"
    staging = "${c.accountId()}"
    prod    = "${c.accountId()}"
  }
  name_prefix = "\${terraform.workspace}-${c.pick(WORDS)}"
}

provider "aws" {
  region = var.region${profile ? `\n  profile = "${c.pick(WORDS)}-admin"` : ""}${guarded ? `\n  allowed_account_ids = ["${account}"]` : ""}
  assume_role {
    role_arn     = ${workspaceRole ? '"arn:aws:iam::${local.account_ids[terraform.workspace]}:role/deployer"' : `"arn:aws:iam::${account}:role/deployer"`}
    session_name = "terraform-${env}"
  }
  default_tags {
    tags = {
      Environment = "${env}"
      ManagedBy   = "terraform"
    }
  }
}

provider "aws" {
  alias  = "peer"
  region = "us-west-2"${guarded ? `\n  allowed_account_ids = ["${account}"]` : ""}
  assume_role {
    role_arn = "arn:aws:iam::${account}:role/peering"
  }
}
`;
  const calls = Array.from({ length: 2 + Math.floor(c.random() * 3) }, (_, i) => {
    const target = c.pick(modules);
    const passAlias = target.facts.aliases && c.chance(0.6);
    return `module "${c.pick(WORDS)}_${i}" {
  source = "../../${target.path}"
${passAlias ? "  providers = {\n    aws      = aws\n    aws.peer = aws.peer\n  }\n" : ""}
  name_prefix = local.name_prefix
  environment = "${env}"
  region      = var.region
  vpc_id      = data.aws_vpc.main.id
  external_id = var.external_id
  queue_arns  = [for q in aws_sqs_queue.work : q.arn]
  tags = {
    Team  = "${c.pick(WORDS)}"
    Owner = "${c.pick(WORDS)}@example.com"
  }
}
`;
  }).join("\n");
  const main = `data "aws_vpc" "main" {
  tags = { Name = "${env}-main" }
}

resource "aws_sqs_queue" "work" {
  for_each                   = toset(${JSON.stringify([c.pick(WORDS), c.pick(WORDS), c.pick(WORDS)])})
  name                       = "\${local.name_prefix}-\${each.key}"
  visibility_timeout_seconds = ${c.pick([30, 60, 300])}
  message_retention_seconds  = 1209600
  sqs_managed_sse_enabled    = true
}

${calls}`;
  return new Map([
    ["backend.tf", backend],
    ["providers.tf", providers],
    ["main.tf", main],
    ["variables.tf", variablesFile(c, 2 + Math.floor(c.random() * 6))],
    [
      "outputs.tf",
      `output "queue_arns" {\n  value = { for k, q in aws_sqs_queue.work : k => q.arn }\n}\n\noutput "vpc_id" {\n  value = data.aws_vpc.main.id\n}\n`,
    ],
  ]);
}

/** Writes the repository under `dir` (which must exist and be empty) and lists its files. */
export async function generateRepository(
  dir: string,
  shape: RepositoryShape,
): Promise<GeneratedRepository> {
  const c = context(shape.seed);
  const files: string[] = [];
  let bytes = 0;
  const write = async (relative: string, text: string): Promise<void> => {
    const path = join(dir, relative);
    await writeFile(path, text);
    files.push(path);
    bytes += Buffer.byteLength(text);
  };
  const modules: { path: string; facts: ModuleFacts }[] = [];
  for (let i = 0; i < shape.modules; i += 1) {
    const path = `modules/m${String(i).padStart(4, "0")}`;
    await mkdir(join(dir, path), { recursive: true });
    const generated = moduleFiles(c);
    for (const [name, text] of generated.files) await write(`${path}/${name}`, text);
    modules.push({ path, facts: generated.facts });
  }
  for (let i = 0; i < shape.roots; i += 1) {
    const path = `live/r${String(i).padStart(4, "0")}`;
    await mkdir(join(dir, path), { recursive: true });
    for (const [name, text] of rootFiles(c, i, modules)) await write(`${path}/${name}`, text);
  }
  return { files, bytes, modules: shape.modules, roots: shape.roots };
}
