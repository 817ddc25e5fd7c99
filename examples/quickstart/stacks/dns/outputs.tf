output "zone" {
  description = "The parent zone, in the shared account."
  value = {
    name         = aws_route53_zone.parent.name
    zone_id      = aws_route53_zone.parent.zone_id
    name_servers = aws_route53_zone.parent.name_servers
  }
}

output "delegations" {
  description = "Each delegated subzone with the account and region of the provider that created it."
  value = {
    for alias, subzone in local.subzones : alias => {
      name       = subzone.name
      zone_id    = subzone.zone_id
      account_id = subzone.account_id
      region     = subzone.region
    }
  }
}

output "account_id" {
  description = "Account that holds the stack's state: its home, shared."
  value       = var.crossform_account_id
}
