# A DNS subzone named after the region of the aws provider its caller passes
# (`providers = { aws = aws.<alias> }`), created in that provider's account.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

variable "parent" {
  type        = string
  description = "Domain the subzone is under, e.g. prod.example.com."
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

resource "aws_route53_zone" "this" {
  name          = "${data.aws_region.current.name}.${var.parent}"
  comment       = "Delegated from the parent zone by the quickstart's dns stack."
  force_destroy = true
}

output "name" {
  description = "Name of the subzone."
  value       = aws_route53_zone.this.name
}

output "name_servers" {
  description = "Name servers the parent zone delegates to."
  value       = aws_route53_zone.this.name_servers
}

output "zone_id" {
  description = "Id of the subzone."
  value       = aws_route53_zone.this.zone_id
}

output "account_id" {
  description = "Account the subzone was created in: the account of the provider passed in."
  value       = data.aws_caller_identity.current.account_id
}

output "region" {
  description = "Region of the provider passed in."
  value       = data.aws_region.current.name
}
