/** Every lint rule crossform has, by id. A rule file not listed here fails the registry meta-test. */
import type { LintRule } from "./rule.ts";
import { hardCodedAccountId } from "./rules/hard-coded-account-id.ts";
import { hiddenAccountSelection } from "./rules/hidden-account-selection.ts";
import { implicitProvider } from "./rules/implicit-provider.ts";
import { missingAccountGuard } from "./rules/missing-account-guard.ts";
import { providerInModule } from "./rules/provider-in-module.ts";
import { sharedState } from "./rules/shared-state.ts";
import { unpassedConfigurationAlias } from "./rules/unpassed-configuration-alias.ts";

/** The rules, sorted by id. */
export const lintRules: readonly LintRule[] = [
  hardCodedAccountId,
  hiddenAccountSelection,
  implicitProvider,
  missingAccountGuard,
  providerInModule,
  sharedState,
  unpassedConfigurationAlias,
];
