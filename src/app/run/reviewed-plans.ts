/**
 * The reviewed plans of CI (docs/ci.md, "Applying what was reviewed";
 * docs/decisions/0036-ci-applies-the-reviewed-plan.md): `plan --store-plans` keeps each unit's saved
 * plan, with changes, in the bucket of the unit's state, beside the state object, under the digest
 * of the unit's inputs at the planned commit; `apply --reviewed-plans` fetches the plan of the
 * digest the merged commit gives, into the unit's run record, or finds none. The objects live
 * where the state lives, with its encryption, versioning and access (a plan holds the state's
 * values); crossform reaches them through the state's role, as it reads a lock.
 */
import { join } from "node:path";
import type { Unit } from "../../core/units/units.ts";
import {
  REVIEWED_PLAN_FILES,
  reviewedPlanPrefix,
  stateVersionOf,
} from "../../core/run/reviewed-plan.ts";
import type { ReviewedPlanRecord, StateVersion } from "../../core/run/reviewed-plan.ts";
import type { S3Api } from "../../ports/aws.ts";
import type { RunSession } from "./session.ts";
import { stateTarget } from "../state-session.ts";

/** A reviewed plan fetched into a unit's record directory. */
export interface FetchedReviewedPlan {
  /** Where `plan.tfplan`, `binding.json` and `summary.json` now are. */
  dir: string;
  record: ReviewedPlanRecord;
}

/** See the module comment. */
export class ReviewedPlans {
  private readonly session: RunSession;

  constructor(session: RunSession) {
    this.session = session;
  }

  private async s3(unit: Unit): Promise<S3Api> {
    const { deps, config, options } = this.session;
    return (await deps.aws.forAccount(stateTarget(config, unit.state, options.user))).s3;
  }

  /** The unit's state version now (no state object: both null). */
  async stateVersion(unit: Unit): Promise<StateVersion> {
    const s3 = await this.s3(unit);
    const { bucket, key } = unit.state;
    const keys = await s3.listObjectKeys(bucket, key);
    return stateVersionOf(keys.includes(key) ? await s3.getObjectText(bucket, key) : undefined);
  }

  /** Stores the plan of `dir` (the unit's record in this run) under the unit's inputs digest. */
  async store(unit: Unit, dir: string, record: ReviewedPlanRecord): Promise<string> {
    const s3 = await this.s3(unit);
    const { fs } = this.session.deps;
    const prefix = reviewedPlanPrefix(unit.state.key, record.inputs_tree_sha256);
    for (const name of ["plan.tfplan", "binding.json", "summary.json"])
      await s3.putReviewedPlanObject(
        unit.state.bucket,
        `${prefix}${name}`,
        await fs.readBytes(join(dir, name)),
      );
    // Last: its presence says the others are complete.
    await s3.putReviewedPlanObject(
      unit.state.bucket,
      `${prefix}reviewed.json`,
      `${JSON.stringify(record, null, 2)}\n`,
    );
    return `s3://${unit.state.bucket}/${prefix}`;
  }

  /**
   * The reviewed plan stored for the unit's inputs digest, fetched into `dir` (files 0600), or
   * undefined when none is stored (no review planned this code, or the plan had no changes).
   */
  async fetch(
    unit: Unit,
    inputsTreeSha256: string,
    dir: string,
  ): Promise<FetchedReviewedPlan | undefined> {
    const s3 = await this.s3(unit);
    const { bucket } = unit.state;
    const prefix = reviewedPlanPrefix(unit.state.key, inputsTreeSha256);
    const keys = new Set(await s3.listObjectKeys(bucket, prefix));
    if (!REVIEWED_PLAN_FILES.every((name) => keys.has(`${prefix}${name}`))) return undefined;
    const { writer } = this.session.deps;
    for (const name of REVIEWED_PLAN_FILES) {
      await writer.writeAtomic(
        join(dir, name),
        await s3.getObjectBytes(bucket, `${prefix}${name}`),
        {
          mode: 0o600,
          directoryMode: 0o700,
        },
      );
    }
    const record = JSON.parse(
      await this.session.deps.fs.readText(join(dir, "reviewed.json")),
    ) as ReviewedPlanRecord;
    return { dir, record };
  }

  /** Removes an applied reviewed plan, so that it is never applied twice (best effort). */
  async discard(unit: Unit, inputsTreeSha256: string): Promise<void> {
    const s3 = await this.s3(unit);
    const prefix = reviewedPlanPrefix(unit.state.key, inputsTreeSha256);
    // reviewed.json first: without it the others are never taken for a reviewed plan.
    for (const name of [...REVIEWED_PLAN_FILES].reverse())
      await s3
        .deleteReviewedPlanObject(unit.state.bucket, `${prefix}${name}`)
        .catch(() => undefined);
  }
}
