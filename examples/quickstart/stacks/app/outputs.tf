output "network_id" {
  description = "The network the app runs in, as read from the network stack's state."
  value       = terraform_data.app.output.network_id
}

output "instance_count" {
  description = "Instances the app runs."
  value       = terraform_data.app.output.instance_count
}

output "artifact_bucket" {
  description = "Bucket in the shared account the app reads its artifacts from."
  value       = terraform_data.app.output.artifact_bucket
}

output "account_id" {
  description = "Account the app was deployed to."
  value       = var.crossform_account_id
}
