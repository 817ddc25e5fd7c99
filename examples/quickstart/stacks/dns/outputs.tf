output "zone" {
  description = "The parent zone, in the shared account."
  value       = terraform_data.zone.output
}

output "delegations" {
  description = "Each delegated subzone with the account and region it is delegated to."
  value       = { for alias, d in terraform_data.delegation : alias => d.output }
}

output "account_id" {
  description = "Account that holds the stack's state: its home, shared."
  value       = var.crossform_account_id
}
