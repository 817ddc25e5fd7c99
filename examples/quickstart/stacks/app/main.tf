# An application role in one account and region. It reads the network of the same account and
# region through data.terraform_remote_state.network (generated in crossform_remote_state.tf from
# depends_on: [network]) and may read that network's artifact bucket. It registers its role in the
# shared account through the module ../../modules/registration, which receives the provider
# aws.shared (generated from references: { shared: shared }) explicitly: called without
# providers, the module would register in the unit's own account instead.
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
  network = data.terraform_remote_state.network.outputs
}

resource "aws_iam_role" "app" {
  name        = "quickstart-app-${var.crossform_region}"
  description = "The quickstart app in ${var.crossform_account_name}, ${var.crossform_region}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })

  # Inline in the role, so that a refresh reads back exactly what was applied.
  inline_policy {
    name = "read-artifacts"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${local.network.artifact_bucket_arn}/*"
      }]
    })
  }
}

module "registration" {
  source = "../../modules/registration"
  providers = {
    aws = aws.shared
  }

  name  = "/quickstart/apps/${var.crossform_account_name}/${var.crossform_region}/role_arn"
  value = aws_iam_role.app.arn
}
