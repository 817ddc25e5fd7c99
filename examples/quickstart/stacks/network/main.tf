# The network of one account in one region. It uses only Terraform's built-in terraform_data, so
# the quickstart runs without provider downloads; a real stack would create an aws_vpc here.
terraform {
  required_version = ">= 1.10"
}

locals {
  name       = "${var.crossform_account_name}-${var.crossform_region}"
  cidr_block = "${var.cidr_prefix}.0.0/16"
}

resource "terraform_data" "network" {
  input = {
    network_id = "net-${var.crossform_account_id}-${var.crossform_region}"
    name       = local.name
    account_id = var.crossform_account_id
    region     = var.crossform_region
    tier       = var.crossform_tier
    cidr_block = local.cidr_block
    subnets    = [for i in range(3) : cidrsubnet(local.cidr_block, 8, i)]
    tags       = merge(var.crossform_default_tags, { Name = local.name })
  }
}
