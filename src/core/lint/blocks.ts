/** Small queries over a module directory's syntax trees that several lint rules share. */
import { blocksOfType, findAttribute, hasAttributeOrBlock } from "../hcl/syntax-queries.ts";
import type { HclBlock, HclFile } from "../hcl/syntax.ts";
import type { LintModule } from "./rule.ts";

/** A block with the file it is in. */
export interface BlockInFile {
  file: HclFile;
  block: HclBlock;
}

/** The top-level blocks of one type across a module's files, in file then source order. */
export function topLevelBlocks(module: LintModule, type: string): BlockInFile[] {
  return module.files.flatMap((file) =>
    file.blocks.filter((block) => block.type === type).map((block) => ({ file, block })),
  );
}

/** The `provider "aws"` blocks of a module. */
export function awsProviderBlocks(module: LintModule): BlockInFile[] {
  return topLevelBlocks(module, "provider").filter(({ block }) => block.labels[0] === "aws");
}

/** The `backend "s3"` blocks inside `terraform` blocks of a module. */
export function s3BackendBlocks(module: LintModule): BlockInFile[] {
  return topLevelBlocks(module, "terraform").flatMap(({ file, block }) =>
    blocksOfType(block.body, "backend")
      .filter((backend) => backend.labels[0] === "s3")
      .map((backend) => ({ file, block: backend })),
  );
}

/** True when crossform generated provider or backend wiring into the directory. */
export function hasCrossformWiring(module: LintModule): boolean {
  return module.generatedFiles.length > 0;
}

/** True when a provider or backend block pins the accounts it may touch. */
export function hasAccountGuard(block: HclBlock): boolean {
  return (
    hasAttributeOrBlock(block.body, "allowed_account_ids") ||
    hasAttributeOrBlock(block.body, "forbidden_account_ids")
  );
}

/** True when a provider block sets an `alias`. */
export function hasAlias(block: HclBlock): boolean {
  return findAttribute(block.body, "alias") !== undefined;
}
