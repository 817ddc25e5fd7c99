# The crossform_* variables are declared in crossform_variables.tf (generated); the stack's own
# variables are set in crossform.yaml and land in targets/<account>.tfvars.json.

variable "zone" {
  type        = string
  description = "The parent zone, from stacks.dns.vars (against real AWS, a domain of yours)."
}
