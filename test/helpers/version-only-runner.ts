import type { TerraformVersionInfo } from "../../src/core/run/terraform-version-check.ts";
import type { TerraformRunner } from "../../src/ports/terraform-runner.ts";

/**
 * A {@link TerraformRunner} that only answers `version`: what the preflight asks of terraform.
 * Preparing a unit or a stack, or starting a command, fails the test.
 */
export class VersionOnlyRunner implements TerraformRunner {
  versionInfo: TerraformVersionInfo = {
    binary: "terraform",
    flavor: "terraform",
    version: "1.11.4",
  };
  versionCalls = 0;

  async version(): Promise<TerraformVersionInfo> {
    this.versionCalls += 1;
    return this.versionInfo;
  }

  prepareUnit(): never {
    throw new Error("the preflight prepares no unit");
  }

  locateUnit(): never {
    throw new Error("the preflight locates no unit");
  }

  async endedCommand(): Promise<undefined> {
    return undefined;
  }

  prepareStack(): never {
    throw new Error("the preflight prepares no stack");
  }

  start(): never {
    throw new Error("the preflight starts no terraform");
  }

  annotate(): never {
    throw new Error("the preflight writes no unit log");
  }

  attach(): never {
    throw new Error("the preflight starts no terraform");
  }
}
