# The crossform_* variables are declared in crossform_variables.tf (generated); the stack's own
# variables are set in crossform.yaml and land in targets/<account>.tfvars.json.

variable "instance_count" {
  type        = number
  description = "Instances to run, from stacks.app.vars (prod overrides it in stacks.app.targets.prod.vars)."
}
