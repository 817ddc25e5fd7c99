/**
 * `crossform explain <unit>`: the plain terraform commands that do what crossform does for one
 * unit, from the stack directory, so nobody is locked in (docs/contract.md section 4).
 */
import type { Config } from "../config/model.ts";
import type { Unit } from "../units/units.ts";

/** What explain tells about one unit. */
export interface UnitExplanation {
  unit: string;
  stack: string;
  stackPath: string;
  account: { name: string; id: string };
  region: string;
  roleArn: string;
  state: { bucket: string; key: string; region: string; account: string };
  /** Shell lines, to run from the config directory. */
  commands: string[];
  /** The one difference between these commands and a crossform run. */
  difference: string;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Explains a unit. */
export function explainUnit(config: Config, unit: Unit): UnitExplanation {
  const stack = config.stacks.get(unit.stack);
  const account = config.accounts.get(unit.account);
  if (!stack || !account) throw new Error(`unit ${unit.id} refers to an unknown stack or account`);
  const binary = config.terraform.binary;
  const stem = unit.fileStem;
  const commands = [
    `cd ${shellQuote(stack.path)}`,
    ...(config.base.profile ? [`export AWS_PROFILE=${shellQuote(config.base.profile)}`] : []),
    `export TF_DATA_DIR=.terraform-${stem}   # one data directory per unit: never mix two units' backends`,
    `${binary} init -reconfigure -input=false -lockfile=readonly -backend-config=backends/${stem}.s3.tfbackend`,
    `${binary} plan -input=false -var-file=targets/${stem}.tfvars.json -out=${stem}.tfplan`,
    `${binary} show -json ${stem}.tfplan`,
    `${binary} apply -input=false ${stem}.tfplan`,
  ];
  return {
    unit: unit.id,
    stack: stack.name,
    stackPath: stack.path,
    account: { name: account.name, id: account.id },
    region: unit.region,
    roleArn: account.roleArn,
    state: {
      bucket: unit.state.bucket,
      key: unit.state.key,
      region: unit.state.region,
      account: unit.state.accountName,
    },
    commands,
    difference: `crossform runs these in a working directory of the unit's own, .crossform/units/${unit.id}/work (a mirror of the repository whose stack directory is real), with TF_DATA_DIR=.crossform/units/${unit.id}/data, so that an errored.tfstate of one unit can never overwrite another's`,
  };
}
