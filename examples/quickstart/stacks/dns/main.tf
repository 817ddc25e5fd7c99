# One multi-account unit: the parent zone lives in the shared account (the stack's home, which
# holds its state), and each region of prod gets a subzone in prod, delegated from the parent. A
# multi-account stack has no account of its own, so everything here names one: provider =
# aws.shared on resources, providers = { aws = aws.prod_us_east_1 } on module calls. Its default
# aws provider (crossform_providers.tf) refuses every use; `crossform validate` names any resource
# or module call that would reach it.
terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

resource "aws_route53_zone" "parent" {
  provider = aws.shared

  name          = var.zone
  comment       = "The quickstart's parent zone."
  force_destroy = true
}

module "prod_us_east_1" {
  source = "../../modules/subzone"
  providers = {
    aws = aws.prod_us_east_1
  }

  parent = "prod.${var.zone}"
}

module "prod_eu_west_1" {
  source = "../../modules/subzone"
  providers = {
    aws = aws.prod_eu_west_1
  }

  parent = "prod.${var.zone}"
}

locals {
  subzones = {
    prod_us_east_1 = module.prod_us_east_1
    prod_eu_west_1 = module.prod_eu_west_1
  }
}

resource "aws_route53_record" "delegation" {
  provider = aws.shared
  for_each = local.subzones

  zone_id = aws_route53_zone.parent.zone_id
  name    = each.value.name
  type    = "NS"
  ttl     = 300
  records = each.value.name_servers
}
