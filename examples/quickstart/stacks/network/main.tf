# The network settings of one account in one region: its address range, kept in the account's
# Parameter Store where other tools read it, and the account's artifact bucket. Both use the
# default aws provider that crossform generates in crossform_providers.tf: the unit's own account
# and region, reached through its deploy role, guarded by allowed_account_ids.
terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

locals {
  cidr_block = "${var.cidr_prefix}.0.0/16"
}

resource "aws_ssm_parameter" "cidr_block" {
  name           = "/quickstart/network/cidr_block"
  description    = "Address range of the ${var.crossform_account_name} network in ${var.crossform_region}."
  type           = "String"
  insecure_value = local.cidr_block
}

resource "aws_s3_bucket" "artifacts" {
  bucket        = "quickstart-artifacts-${var.crossform_account_id}-${var.crossform_region}"
  force_destroy = true
}
