// @ts-check
// The layer rules of docs/architecture.md are enforced here: dependencies point one way,
// cli -> app -> core, and side effects live in adapters/ only.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nodeBuiltins = ["node:*", "fs", "path", "child_process", "os", "process", "crypto"];
const sdk = ["@aws-sdk/*", "@smithy/*", "web-tree-sitter", "@tree-sitter-grammars/*", "commander"];

/** @param {string[]} groups @param {string} message */
const restrict = (groups, message) => ({
  "no-restricted-imports": ["error", { patterns: [{ group: groups, message }] }],
});

export default tseslint.config(
  {
    ignores: ["dist/", "node_modules/", ".crossform/", "test/fixtures/", "examples/", "coverage/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        Buffer: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
        fetch: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/adapters/terminal/**"],
    rules: { "no-console": "error" },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: restrict(
      [
        ...nodeBuiltins,
        ...sdk,
        "**/adapters/**",
        "**/app/**",
        "**/cli/**",
        "**/formatters/**",
        "**/ports/**",
      ],
      "core/ is pure: no node:*, no SDKs, no imports from ports, app, adapters, formatters or cli",
    ),
  },
  {
    files: ["src/ports/**/*.ts"],
    rules: restrict(
      [...nodeBuiltins, ...sdk, "**/adapters/**", "**/app/**", "**/cli/**", "**/formatters/**"],
      "ports/ holds interfaces only and may import core types",
    ),
  },
  {
    files: ["src/app/**/*.ts"],
    rules: restrict(
      [
        "node:fs",
        "node:fs/*",
        "node:child_process",
        "node:os",
        "node:process",
        "fs",
        "child_process",
        "os",
        ...sdk,
        "**/adapters/**",
        "**/cli/**",
        "**/formatters/**",
      ],
      "app/ reaches the world through ports only; it may import core and ports",
    ),
  },
  {
    files: ["src/formatters/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [...nodeBuiltins, ...sdk, "**/adapters/**", "**/cli/**", "**/ports/**"],
              message:
                "formatters are pure functions of a report; they may import core and report types only",
            },
            {
              group: ["**/app/**"],
              allowTypeImports: true,
              message: "formatters may import the report types of app/, nothing else from it",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/adapters/**/*.ts"],
    rules: restrict(
      ["**/app/**", "**/cli/**"],
      "adapters implement ports; they may not import app or cli",
    ),
  },
);
