/** Where each rule's documentation lives, for fix hints, JSON and SARIF output. */

/** The base of the rule docs pages (docs/rules/<rule-id>.md in the repository). */
export const RULE_DOCS_BASE = "https://github.com/crossform/crossform/blob/main/docs/rules/";

/** The docs page of a rule. */
export function ruleHelpUri(id: string): string {
  return `${RULE_DOCS_BASE}${id}.md`;
}
