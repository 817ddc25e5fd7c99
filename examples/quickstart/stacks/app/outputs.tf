output "role_arn" {
  description = "The app's role, in the unit's own account."
  value       = aws_iam_role.app.arn
}

output "artifact_bucket" {
  description = "The bucket the role may read, as read from the network stack's state."
  value       = local.network.artifact_bucket
}

output "registration" {
  description = "The Parameter Store entry in the shared account that holds the role's ARN."
  value       = module.registration.name
}

output "account_id" {
  description = "Account the app was deployed to."
  value       = var.crossform_account_id
}
