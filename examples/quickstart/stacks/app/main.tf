# An application in one account and region. It reads the network of the same account and region
# through data.terraform_remote_state.network (generated in crossform_remote_state.tf from
# depends_on: [network]) and the shared account through var.crossform_ref_shared (generated from
# references: { shared: shared }).
terraform {
  required_version = ">= 1.10"
}

locals {
  network = data.terraform_remote_state.network.outputs
  name    = "app-${var.crossform_account_name}-${var.crossform_region}"
}

resource "terraform_data" "app" {
  input = {
    name              = local.name
    account_id        = var.crossform_account_id
    region            = var.crossform_region
    network_id        = local.network.network_id
    subnets           = slice(local.network.subnets, 0, min(var.instance_count, length(local.network.subnets)))
    instance_count    = var.instance_count
    artifact_bucket   = "artifacts-${var.crossform_ref_shared.account_id}-${var.crossform_ref_shared.region}"
    shared_account_id = var.crossform_ref_shared.account_id
    tags              = merge(var.crossform_default_tags, { Name = local.name })
  }
}
