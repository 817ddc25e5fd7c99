import { CrossformError } from "../errors.ts";
import type { Diagnostic } from "../errors.ts";

/** First line of the managed block crossform keeps in the AWS config file. */
export const MANAGED_BLOCK_START =
  "# >>> crossform managed profiles: do not edit; regenerate with: crossform profiles --write";

/** Last line of the managed block crossform keeps in the AWS config file. */
export const MANAGED_BLOCK_END = "# <<< crossform managed profiles";

// Markers are recognised by these prefixes so that a later wording of the text after them still
// finds blocks written by an earlier version.
const START_PREFIX = "# >>> crossform managed profiles";
const END_PREFIX = "# <<< crossform managed profiles";

/** Where an AWS CLI role profile takes the credentials it assumes the role with. */
export type AwsCredentialSource = "Environment" | "Ec2InstanceMetadata" | "EcsContainer";

const CREDENTIAL_SOURCES: readonly AwsCredentialSource[] = [
  "Environment",
  "Ec2InstanceMetadata",
  "EcsContainer",
];

/**
 * One AWS CLI profile that assumes a role. Exactly one of `sourceProfile`, `credentialSource` and
 * `webIdentityTokenFile` says where the credentials for the AssumeRole call come from; a profile
 * with `webIdentityTokenFile` is the OIDC base profile (`crossform-base`) others name as source.
 */
export interface AwsProfileSpec {
  /** Profile name as used with `--profile`; `default` is written as the `[default]` section. */
  name: string;
  /** ARN of the role the profile assumes (`role_arn`). */
  roleArn: string;
  /** Profile whose credentials assume the role (`source_profile`). */
  sourceProfile?: string;
  /** Credential provider that assumes the role (`credential_source`). */
  credentialSource?: AwsCredentialSource;
  /** Session name shown in CloudTrail (`role_session_name`), 2 to 64 of `[A-Za-z0-9_+=,.@-]`. */
  roleSessionName?: string;
  /** Default region of the profile (`region`). */
  region?: string;
  /** External id the role's trust policy requires (`external_id`). */
  externalId?: string;
  /** Lifetime of the role session in seconds (`duration_seconds`), 900 to 43200. */
  durationSeconds?: number;
  /** File holding an OIDC token for AssumeRoleWithWebIdentity (`web_identity_token_file`). */
  webIdentityTokenFile?: string;
}

/** Options of {@link renderManagedBlock}. */
export interface RenderManagedBlockOptions {
  /** Path of the AWS config file the block is meant for; named in error messages. */
  configPath: string;
}

/** What kind of section a header opens, as the AWS CLI reads it. */
export type AwsConfigSectionKind = "default" | "profile" | "sso-session" | "services" | "other";

/** One `[...]` section header of an AWS config file. */
export interface AwsConfigSection {
  /** `default` for `[default]`, `profile` for `[profile x]`, and so on; `other` for anything else. */
  kind: AwsConfigSectionKind;
  /** The name the AWS CLI knows the section by (`x` in `[profile x]`, `default` for `[default]`). */
  name: string;
  /** The text between the brackets, as written. */
  header: string;
  /** 1-based line number of the header. */
  line: number;
}

/** Result of {@link applyManagedBlock}. */
export interface ApplyManagedBlockResult {
  /** The new file text; the existing text (or `""` for a missing file) when there are errors. */
  text: string;
  /** Whether `text` differs from the existing file (always true when the file was missing). */
  changed: boolean;
  /** Problems found; any of severity `error` means `text` must not be written. */
  diagnostics: Diagnostic[];
}

/**
 * Checks profile specs before rendering: names the AWS CLI can parse and that are unique, exactly
 * one credential source each, and values that fit on one INI line and meet AWS's own limits.
 */
export function validateProfileSpecs(
  profiles: readonly AwsProfileSpec[],
  configPath: string,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const error = (code: string, message: string, hint: string): void => {
    diagnostics.push({ severity: "error", code, message, hint });
  };
  const seen = new Set<string>();
  for (const profile of profiles) {
    const where = `profile "${profile.name}" for ${configPath}`;
    if (!PROFILE_NAME.test(profile.name)) {
      error(
        "profiles/invalid-name",
        `profile name "${profile.name}" for ${configPath} is not a name the AWS CLI can read`,
        'use letters, digits and "_", ".", "-", "@", "+" only (check profiles.prefix in crossform.yaml)',
      );
    }
    if (seen.has(profile.name)) {
      error(
        "profiles/duplicate-name",
        `profile name "${profile.name}" for ${configPath} is generated twice`,
        "give the accounts distinct names, or change profiles.prefix in crossform.yaml",
      );
    }
    seen.add(profile.name);
    checkLineValue(error, where, "role_arn", profile.roleArn);
    if (!ROLE_ARN.test(profile.roleArn)) {
      error(
        "profiles/invalid-role-arn",
        `${where}: role_arn "${profile.roleArn}" is not an IAM role ARN`,
        "use arn:<partition>:iam::<12-digit account id>:role/<name>",
      );
    }
    const sources = [
      profile.sourceProfile === undefined ? undefined : "source_profile",
      profile.credentialSource === undefined ? undefined : "credential_source",
      profile.webIdentityTokenFile === undefined ? undefined : "web_identity_token_file",
    ].filter((key) => key !== undefined);
    if (sources.length === 0) {
      error(
        "profiles/missing-source",
        `${where} says neither source_profile, credential_source nor web_identity_token_file`,
        "set base.profile in crossform.yaml, or leave it out to use credential_source = Environment",
      );
    } else if (sources.length > 1) {
      error(
        "profiles/conflicting-sources",
        `${where} sets ${sources.join(" and ")}, but the AWS CLI takes exactly one of them`,
        "keep one credential source per profile",
      );
    }
    if (profile.sourceProfile !== undefined) {
      checkLineValue(error, where, "source_profile", profile.sourceProfile);
      if (profile.sourceProfile === profile.name) {
        error(
          "profiles/self-source",
          `${where} names itself as source_profile, which the AWS CLI rejects as a loop`,
          "name the base profile as source_profile (base.profile in crossform.yaml)",
        );
      }
    }
    if (
      profile.credentialSource !== undefined &&
      !CREDENTIAL_SOURCES.includes(profile.credentialSource)
    ) {
      error(
        "profiles/invalid-credential-source",
        `${where}: credential_source "${String(profile.credentialSource)}" is not one the AWS CLI knows`,
        `use one of ${CREDENTIAL_SOURCES.join(", ")}`,
      );
    }
    if (profile.webIdentityTokenFile !== undefined) {
      checkLineValue(error, where, "web_identity_token_file", profile.webIdentityTokenFile);
    }
    if (profile.roleSessionName !== undefined && !SESSION_NAME.test(profile.roleSessionName)) {
      error(
        "profiles/invalid-session-name",
        `${where}: role_session_name "${profile.roleSessionName}" is not a valid AWS session name`,
        'use 2 to 64 characters of letters, digits and "_+=,.@-" (check defaults.session.name in crossform.yaml)',
      );
    }
    if (profile.externalId !== undefined && !EXTERNAL_ID.test(profile.externalId)) {
      error(
        "profiles/invalid-external-id",
        `${where}: external_id "${profile.externalId}" is not a valid AWS external id`,
        'use 2 to 1224 characters of letters, digits and "_+=,.@:/-"',
      );
    }
    if (profile.region !== undefined && !REGION.test(profile.region)) {
      error(
        "profiles/invalid-region",
        `${where}: region "${profile.region}" is not an AWS region name`,
        "use a region such as us-east-1",
      );
    }
    if (
      profile.durationSeconds !== undefined &&
      (!Number.isInteger(profile.durationSeconds) ||
        profile.durationSeconds < 900 ||
        profile.durationSeconds > 43200)
    ) {
      error(
        "profiles/invalid-duration",
        `${where}: duration_seconds ${String(profile.durationSeconds)} is outside what AWS accepts`,
        "use a whole number of seconds from 900 (15 min) to 43200 (12 h)",
      );
    }
  }
  return diagnostics;
}

/**
 * Renders the managed block: the start marker, one section per profile in the given order with
 * its keys in a fixed order, and the end marker. Lines end with `\n` (the block is converted to
 * the file's line endings when applied); the same input always gives the same bytes.
 * @throws CrossformError `profiles/*` when {@link validateProfileSpecs} finds an error.
 */
export function renderManagedBlock(
  profiles: readonly AwsProfileSpec[],
  options: RenderManagedBlockOptions,
): string {
  const problem = validateProfileSpecs(profiles, options.configPath).find(
    (diagnostic) => diagnostic.severity === "error",
  );
  if (problem !== undefined) {
    throw new CrossformError(problem.code, "user", problem.message, {
      ...(problem.hint === undefined ? {} : { hint: problem.hint }),
    });
  }
  const lines = [MANAGED_BLOCK_START];
  profiles.forEach((profile, index) => {
    if (index > 0) lines.push("");
    lines.push(profile.name === "default" ? "[default]" : `[profile ${profile.name}]`);
    for (const [key, value] of profileKeyValues(profile)) lines.push(`${key} = ${value}`);
  });
  lines.push(MANAGED_BLOCK_END);
  return `${lines.join("\n")}\n`;
}

/** The keys a profile is written with, in the block's fixed order; unset keys are left out. */
export function profileKeyValues(profile: AwsProfileSpec): [string, string][] {
  const keys: [string, string | number | undefined][] = [
    ["role_arn", profile.roleArn],
    ["source_profile", profile.sourceProfile],
    ["credential_source", profile.credentialSource],
    ["web_identity_token_file", profile.webIdentityTokenFile],
    ["role_session_name", profile.roleSessionName],
    ["external_id", profile.externalId],
    ["duration_seconds", profile.durationSeconds],
    ["region", profile.region],
  ];
  return keys.flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)]]));
}

/**
 * Lists the section headers of an AWS config file the way the AWS CLI (Python's configparser)
 * finds them: full-line `#` and `;` comments are skipped, and an indented line that continues a
 * value (the nested keys of `s3 =` in `[services x]`) is never a header, even if it looks like one.
 */
export function parseAwsConfigSections(text: string): AwsConfigSection[] {
  return scanLines(splitLines(text))
    .filter((line) => line.role === "header")
    .map((line) => describeSection(line.header ?? "", line.number));
}

/**
 * Puts a block made by {@link renderManagedBlock} into the text of an AWS config file: in place of
 * the existing managed block, or appended at the end after one blank line. Every byte outside
 * the block is kept. Nothing is changed, and an error diagnostic says why, when a profile of the
 * block is already defined outside it, when the markers are broken (a start without an end, an
 * end without a start, two blocks), or when keys follow the block outside any section.
 * @param existingText the file's text, `undefined` when the file does not exist
 * @param block the block, exactly as {@link renderManagedBlock} returned it
 * @param path the file's path, for diagnostics
 */
export function applyManagedBlock(
  existingText: string | undefined,
  block: string,
  path: string,
): ApplyManagedBlockResult {
  assertRenderedBlock(block);
  if (existingText === undefined || existingText === "") {
    return { text: block, changed: true, diagnostics: [] };
  }
  const lines = splitLines(existingText);
  const markers = findBlock(lines, path);
  if ("diagnostics" in markers) {
    return { text: existingText, changed: false, diagnostics: markers.diagnostics };
  }
  const range = markers.range;
  const diagnostics = [
    ...findClashes(existingText, lines, range, block, path),
    ...(range === undefined ? [] : findKeysAfterBlock(lines, range, block, path)),
  ];
  if (diagnostics.some((diagnostic) => diagnostic.severity === "error")) {
    return { text: existingText, changed: false, diagnostics };
  }
  const eol = detectLineEnding(lines, range);
  const blockText = eol === "\n" ? block : block.replaceAll("\n", eol);
  let text: string;
  if (range === undefined) {
    const last = lines[lines.length - 1] as Line;
    const lastIsBlank = last.text.trim() === "";
    const separator = last.eol === "" ? (lastIsBlank ? eol : eol + eol) : lastIsBlank ? "" : eol;
    text = existingText + separator + blockText;
  } else {
    const first = lines[range.start] as Line;
    const last = lines[range.end] as Line;
    // A block that ended the file without a final line break keeps it that way.
    const replacement = last.eol === "" ? blockText.slice(0, -eol.length) : blockText;
    text = existingText.slice(0, first.offset) + replacement + existingText.slice(last.next);
  }
  return { text, changed: text !== existingText, diagnostics };
}

/** Which shared AWS file a text comes from: they name profiles differently. */
export type AwsSharedFileKind = "config" | "credentials";

/** One profile of a shared AWS file, with its keys as the AWS CLI reads them. */
export interface AwsProfileSection {
  /** The profile's name (`default` for `[default]` and `[profile default]`). */
  name: string;
  /** 1-based line number of the section header. */
  line: number;
  /** The profile's keys, lowercased, with their values trimmed; a repeated key keeps the last. */
  values: Map<string, string>;
}

/**
 * The profiles of a shared AWS file by name: `[profile x]` and `[default]` in the config file,
 * `[x]` in the credentials file. Other sections (`sso-session`, `services`) are left out; a
 * profile defined twice keeps its first section. Comments and the continuation lines of nested
 * values (`s3 =` and its indented keys) are skipped.
 */
export function readAwsProfiles(
  text: string,
  kind: AwsSharedFileKind,
): Map<string, AwsProfileSection> {
  const profiles = new Map<string, AwsProfileSection>();
  let current: AwsProfileSection | undefined;
  for (const line of scanLines(splitLines(text))) {
    if (line.role === "header") {
      current = profileOfHeader(line.header ?? "", line.number, kind);
      if (current !== undefined) {
        if (profiles.has(current.name)) current = { ...current, values: new Map() };
        else profiles.set(current.name, current);
      }
    } else if (line.role === "option" && current !== undefined) {
      const text = line.text.trim();
      const at = text.search(/[=:]/);
      if (at > 0)
        current.values.set(text.slice(0, at).trim().toLowerCase(), text.slice(at + 1).trim());
    }
  }
  return profiles;
}

function profileOfHeader(
  header: string,
  line: number,
  kind: AwsSharedFileKind,
): AwsProfileSection | undefined {
  if (kind === "credentials") return { name: header.trim(), line, values: new Map() };
  const section = describeSection(header, line);
  if (section.kind !== "default" && section.kind !== "profile") return undefined;
  return { name: section.name, line, values: new Map() };
}

const PROFILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]*$/;
const ROLE_ARN = /^arn:[a-z][a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;

function checkLineValue(
  error: (code: string, message: string, hint: string) => void,
  where: string,
  key: string,
  value: string,
): void {
  if (value === "" || value.trim() !== value || /[\r\n]/.test(value)) {
    error(
      "profiles/invalid-value",
      `${where}: ${key} ${JSON.stringify(value)} is empty, spans lines or has surrounding spaces`,
      `give ${key} a one-line value without leading or trailing spaces`,
    );
  }
}

interface Line {
  /** The line without its terminator. */
  text: string;
  /** `\n`, `\r\n`, `\r`, or `""` for a last line without one. */
  eol: string;
  /** Offset of the line's first character in the text. */
  offset: number;
  /** Offset just past the line's terminator. */
  next: number;
  /** 1-based line number. */
  number: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const breaks = /\r\n|\n|\r/g;
  let offset = 0;
  for (let match = breaks.exec(text); match !== null; match = breaks.exec(text)) {
    const next = match.index + match[0].length;
    lines.push({
      text: text.slice(offset, match.index),
      eol: match[0],
      offset,
      next,
      number: lines.length + 1,
    });
    offset = next;
  }
  if (offset < text.length) {
    lines.push({
      text: text.slice(offset),
      eol: "",
      offset,
      next: text.length,
      number: lines.length + 1,
    });
  }
  return lines;
}

type LineRole = "blank" | "comment" | "header" | "option" | "continuation";

interface ScannedLine extends Line {
  role: LineRole;
  /** The text between the brackets, for headers. */
  header?: string;
}

function scanLines(lines: readonly Line[]): ScannedLine[] {
  let inOption = false;
  let indentLevel = 0;
  return lines.map((line): ScannedLine => {
    // A byte order mark is not part of the first line's content.
    const text = line.number === 1 ? line.text.replace(/^\uFEFF/, "") : line.text;
    const value = text.trim();
    if (value === "") return { ...line, role: "blank" };
    if (value.startsWith("#") || value.startsWith(";")) return { ...line, role: "comment" };
    const indent = text.search(/\S/);
    if (inOption && indent > indentLevel) return { ...line, role: "continuation" };
    indentLevel = indent;
    const header = /^\[(.+)\]/.exec(value);
    if (header !== null) {
      inOption = false;
      return { ...line, role: "header", header: header[1] as string };
    }
    inOption = true;
    return { ...line, role: "option" };
  });
}

function describeSection(header: string, line: number): AwsConfigSection {
  if (header === "default") return { kind: "default", name: "default", header, line };
  for (const kind of ["profile", "sso-session", "services"] as const) {
    if (header.startsWith(kind)) {
      const words = splitWords(header);
      if (words.length === 2 && words[0] === kind) {
        return { kind, name: words[1] as string, header, line };
      }
    }
  }
  return { kind: "other", name: header, header, line };
}

// The AWS CLI splits `profile "x"` with shlex; simple quoting is all a profile header needs.
function splitWords(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? "",
  );
}

// `[default]` and `[profile default]` are one profile to the AWS CLI.
function identity(section: AwsConfigSection): string {
  return section.kind === "default" ? "profile default" : `${section.kind} ${section.name}`;
}

interface BlockRange {
  /** Index of the start marker line. */
  start: number;
  /** Index of the end marker line. */
  end: number;
}

function findBlock(
  lines: readonly Line[],
  path: string,
): { range: BlockRange | undefined } | { diagnostics: Diagnostic[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  lines.forEach((line, index) => {
    const value = line.text.trim();
    if (value.startsWith(START_PREFIX)) starts.push(index);
    else if (value.startsWith(END_PREFIX)) ends.push(index);
  });
  const at = (index: number): string => `${path}:${(lines[index] as Line).number}`;
  const position = (index: number) => ({
    file: path,
    line: (lines[index] as Line).number,
    column: 1,
  });
  const start = starts[0];
  const end = ends[0];
  if (start === undefined && end === undefined) return { range: undefined };
  if (starts.length === 1 && ends.length === 1 && start !== undefined && end !== undefined) {
    if (start < end) return { range: { start, end } };
  }
  if (starts.length > 1 || ends.length > 1) {
    const where = [...starts, ...ends].sort((a, b) => a - b).map(at);
    return {
      diagnostics: [
        {
          severity: "error",
          code: "profiles/several-blocks",
          message: `${path} holds more than one crossform managed block (markers at ${where.join(", ")})`,
          hint: `delete every block from its "${START_PREFIX}" line to its "${END_PREFIX}" line except one, then run crossform profiles --write again`,
          position: position(Math.min(...starts, ...ends)),
        },
      ],
    };
  }
  if (end === undefined && start !== undefined) {
    return {
      diagnostics: [
        {
          severity: "error",
          code: "profiles/unterminated-block",
          message: `the crossform managed block that starts at ${at(start)} has no end marker`,
          hint: `add the line "${MANAGED_BLOCK_END}" after the block's last profile, or delete the block from that line on, then run crossform profiles --write again`,
          position: position(start),
        },
      ],
    };
  }
  if (start === undefined && end !== undefined) {
    return {
      diagnostics: [
        {
          severity: "error",
          code: "profiles/unopened-block",
          message: `${at(end)} ends a crossform managed block that has no start marker`,
          hint: `add the line "${MANAGED_BLOCK_START}" before the block's first profile, or delete the block up to that line, then run crossform profiles --write again`,
          position: position(end),
        },
      ],
    };
  }
  return {
    diagnostics: [
      {
        severity: "error",
        code: "profiles/reversed-markers",
        message: `the crossform managed block's end marker at ${at(end as number)} comes before its start marker at ${at(start as number)}`,
        hint: "delete both marker lines and the crossform profiles between them, then run crossform profiles --write again",
        position: position(end as number),
      },
    ],
  };
}

function findClashes(
  text: string,
  lines: readonly Line[],
  range: BlockRange | undefined,
  block: string,
  path: string,
): Diagnostic[] {
  const inBlock = (line: number): boolean =>
    range !== undefined &&
    line >= (lines[range.start] as Line).number &&
    line <= (lines[range.end] as Line).number;
  const outside = new Map<string, AwsConfigSection>();
  for (const section of parseAwsConfigSections(text)) {
    if (!inBlock(section.line) && !outside.has(identity(section))) {
      outside.set(identity(section), section);
    }
  }
  const diagnostics: Diagnostic[] = [];
  for (const section of parseAwsConfigSections(block)) {
    const clash = outside.get(identity(section));
    if (clash === undefined) continue;
    diagnostics.push({
      severity: "error",
      code: "profiles/name-clash",
      message: `profile "${section.name}" is already defined at ${path}:${clash.line} ([${clash.header}]), outside the crossform managed block`,
      hint: `rename or delete that section, or set profiles.prefix in crossform.yaml so crossform's profile names differ`,
      position: { file: path, line: clash.line, column: 1 },
    });
  }
  return diagnostics;
}

function findKeysAfterBlock(
  lines: readonly Line[],
  range: BlockRange,
  block: string,
  path: string,
): Diagnostic[] {
  const sections = parseAwsConfigSections(block);
  const last = sections[sections.length - 1];
  if (last === undefined) return [];
  for (const line of lines.slice(range.end + 1)) {
    const value = line.text.trim();
    if (value === "" || value.startsWith("#") || value.startsWith(";")) continue;
    if (/^\[.+\]/.test(line.text)) return [];
    return [
      {
        severity: "error",
        code: "profiles/keys-after-block",
        message: `${path}:${line.number}: "${value}" follows the crossform managed block outside any section, so the AWS CLI would read it as part of [${last.header}]`,
        hint: "put it under its own [section] header, or move it above the managed block",
        position: { file: path, line: line.number, column: 1 },
      },
    ];
  }
  return [];
}

function detectLineEnding(lines: readonly Line[], range: BlockRange | undefined): string {
  const outside = lines.filter(
    (_, index) => range === undefined || index < range.start || index > range.end,
  );
  const first = [...outside, ...lines].find((line) => line.eol !== "");
  return first?.eol === "\r\n" ? "\r\n" : "\n";
}

function assertRenderedBlock(block: string): void {
  if (
    !block.startsWith(`${MANAGED_BLOCK_START}\n`) ||
    !block.endsWith(`${MANAGED_BLOCK_END}\n`) ||
    block.includes("\r")
  ) {
    throw new CrossformError(
      "internal/profiles-block",
      "internal",
      "the managed profiles block was not made by renderManagedBlock",
      { hint: "render the block with renderManagedBlock and pass it unchanged" },
    );
  }
}
