# Registers a value in Parameter Store, in the account of the aws provider its caller passes:
# `providers = { aws = aws.<alias> }`. A module declares no provider block of its own, so it can
# never pick an account by itself (the lint rule provider-in-module checks this).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

variable "name" {
  type        = string
  description = "Name of the Parameter Store entry."
}

variable "value" {
  type        = string
  description = "Value to register."
}

resource "aws_ssm_parameter" "this" {
  name           = var.name
  type           = "String"
  insecure_value = var.value
}

output "name" {
  description = "Name of the entry."
  value       = aws_ssm_parameter.this.name
}
