/**
 * `.tfbackend` files: the partial backend configuration `terraform init -backend-config=FILE`
 * completes a `backend "s3" {}` block with. Lint reads the settings that decide where a state lives
 * and which account may hold it; crossform's own generated ones are not the user's and are skipped.
 */
import { literalValue } from "../hcl/syntax-queries.ts";
import type { HclFile, HclRange } from "../hcl/syntax.ts";
import type { LintSourceFile } from "./rule.ts";

/** A setting of a `.tfbackend` file. */
export interface BackendSetting {
  /** The literal value; absent when computed (which Terraform refuses anyway). */
  value?: string;
  range: HclRange;
}

/** What lint reads from one `.tfbackend` file. */
export interface BackendFile extends LintSourceFile {
  /** Every top-level setting, by name. */
  settings: Record<string, BackendSetting>;
  /** True when it sets `allowed_account_ids` or `forbidden_account_ids`. */
  hasAccountGuard: boolean;
  /** The whole file, for findings about it as a whole. */
  range: HclRange;
}

/** Reads the settings of a `.tfbackend` file. */
export function collectBackendFile(file: HclFile): Omit<BackendFile, keyof LintSourceFile> {
  const settings: Record<string, BackendSetting> = {};
  for (const attribute of file.attributes) {
    const setting: BackendSetting = { range: attribute.range };
    const value = literalValue(attribute.expression);
    if (value !== undefined) setting.value = String(value);
    settings[attribute.name] = setting;
  }
  const hasAccountGuard =
    file.attributes.some(
      (a) => a.name === "allowed_account_ids" || a.name === "forbidden_account_ids",
    ) || file.blocks.some((b) => b.type === "allowed_account_ids");
  return { settings, hasAccountGuard, range: file.range };
}
