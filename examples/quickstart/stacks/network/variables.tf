# The crossform_* variables are declared in crossform_variables.tf (generated); the stack's own
# variables are set in crossform.yaml and land in targets/<account>.tfvars.json.

variable "cidr_prefix" {
  type        = string
  description = "First two octets of the account's /16, from stacks.network.vars (prod overrides it in stacks.network.targets.prod.vars)."
}
