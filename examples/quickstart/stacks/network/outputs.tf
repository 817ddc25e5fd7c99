output "network_id" {
  description = "Id of the network, read by the app stack through its remote state."
  value       = terraform_data.network.output.network_id
}

output "cidr_block" {
  description = "Address range of the network."
  value       = terraform_data.network.output.cidr_block
}

output "subnets" {
  description = "Address ranges of the network's three subnets."
  value       = terraform_data.network.output.subnets
}

output "account_id" {
  description = "Account the network was deployed to."
  value       = var.crossform_account_id
}
