# One multi-account unit: the parent zone lives in the shared account (the stack's home, which
# holds its state) and delegates a subzone to each region of prod. Each account the stack touches
# arrives as a crossform_ref_<alias> variable; with the aws provider, the same aliases name the
# generated providers (aws.shared, aws.prod_us_east_1, aws.prod_eu_west_1).
terraform {
  required_version = ">= 1.10"
}

locals {
  zone = "quickstart.internal"
  delegations = {
    prod_us_east_1 = var.crossform_ref_prod_us_east_1
    prod_eu_west_1 = var.crossform_ref_prod_eu_west_1
  }
}

resource "terraform_data" "zone" {
  input = {
    name       = local.zone
    account_id = var.crossform_ref_shared.account_id
    region     = var.crossform_ref_shared.region
  }
}

resource "terraform_data" "delegation" {
  for_each = local.delegations

  input = {
    name       = "${replace(each.value.region, "-", "")}.prod.${terraform_data.zone.output.name}"
    account_id = each.value.account_id
    region     = each.value.region
    role_arn   = each.value.role_arn
  }
}
