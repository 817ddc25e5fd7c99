output "cidr_block" {
  description = "Address range of the network, as its Parameter Store entry holds it."
  value       = aws_ssm_parameter.cidr_block.insecure_value
}

output "subnets" {
  description = "Address ranges of the network's three subnets."
  value       = [for i in range(3) : cidrsubnet(aws_ssm_parameter.cidr_block.insecure_value, 8, i)]
}

output "artifact_bucket" {
  description = "Name of the account's artifact bucket, read by the app stack through its remote state."
  value       = aws_s3_bucket.artifacts.bucket
}

output "artifact_bucket_arn" {
  description = "ARN of the account's artifact bucket."
  value       = aws_s3_bucket.artifacts.arn
}

output "account_id" {
  description = "Account the network was deployed to."
  value       = var.crossform_account_id
}
