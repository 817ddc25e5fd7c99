import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { CrossformError } from "../../../../src/core/errors.ts";
import {
  attr,
  blank,
  block,
  comment,
  formatTfvarsJson,
  GENERATED_HEADER,
  GENERATED_NOTICE,
  hcl,
  hclQuote,
  renderHclBody,
  renderHclFile,
} from "../../../../src/core/generate/hcl-writer.ts";
import type {
  HclBodyItem,
  HclItemInput,
  HclValue,
} from "../../../../src/core/generate/hcl-writer.ts";
import {
  runTerraform,
  terraformEnv,
  terraformFmt,
  terraformFmtMany,
} from "../../../helpers/terraform.ts";

const header = { header: [GENERATED_HEADER] };
const v = (text: string): HclValue => hcl.expr(text);

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order of results. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const providerFile = renderHclFile(
  [
    block(
      "provider",
      ["aws"],
      [
        attr("region", v("var.crossform_region")),
        attr("allowed_account_ids", hcl.list([v("var.crossform_account_id")])),
        blank(),
        block(
          "assume_role",
          [],
          [
            attr("role_arn", v("var.crossform_role_arn")),
            attr("session_name", v("var.crossform_session_name")),
            attr("external_id", v("var.crossform_external_id")),
          ],
        ),
        blank(),
        block("default_tags", [], [attr("tags", v("var.crossform_default_tags"))]),
      ],
    ),
    blank(),
    block(
      "provider",
      ["aws"],
      [
        attr("alias", hcl.str("prod")),
        attr("region", v("var.crossform_ref_prod.region")),
        attr("allowed_account_ids", hcl.list([v("var.crossform_ref_prod.account_id")])),
        block(
          "assume_role",
          [],
          [
            attr("role_arn", v("var.crossform_ref_prod.role_arn")),
            attr("external_id", v("var.crossform_ref_prod.external_id")),
          ],
        ),
      ],
    ),
  ],
  header,
);

const refType = hcl.call("object", [
  hcl.obj({
    account_id: v("string"),
    role_arn: v("string"),
    region: v("string"),
    external_id: v("optional(string)"),
  }),
]);

const variablesFile = renderHclFile(
  [
    block(
      "variable",
      ["crossform_region"],
      [attr("type", v("string")), attr("description", hcl.str("The AWS region of the unit."))],
    ),
    blank(),
    block(
      "variable",
      ["crossform_external_id"],
      [
        attr("type", v("string")),
        attr("description", hcl.str("External id, or null.")),
        attr("default", hcl.null()),
        attr("nullable", hcl.bool(true)),
      ],
    ),
    blank(),
    block(
      "variable",
      ["crossform_ref_prod"],
      [
        attr("type", refType),
        attr("description", hcl.str("The prod account.")),
        attr("nullable", hcl.bool(false)),
      ],
    ),
    blank(),
    block(
      "variable",
      ["crossform_dep_network"],
      [
        attr(
          "type",
          hcl.call("object", [
            hcl.obj({
              bucket: v("string"),
              key: v("string"),
              region: v("string"),
              assume_role: hcl.call("optional", [
                hcl.call("object", [
                  hcl.obj({ role_arn: v("string"), external_id: v("optional(string)") }),
                ]),
                hcl.null(),
              ]),
              use_lockfile: v("optional(bool, true)"),
            }),
          ]),
        ),
        attr("default", hcl.null()),
      ],
    ),
    blank(),
    block(
      "variable",
      ["crossform_default_tags"],
      [
        attr("type", v("map(string)")),
        attr("default", hcl.obj({})),
        attr("inline_type", v("object({ a = string, bb = number })")),
      ],
    ),
  ],
  header,
);

const remoteStateFile = renderHclFile(
  [
    block(
      "data",
      ["terraform_remote_state", "network"],
      [
        attr("backend", hcl.str("s3")),
        attr(
          "config",
          hcl.obj({
            bucket: v("var.crossform_dep_network.bucket"),
            key: v("var.crossform_dep_network.key"),
            region: v("var.crossform_dep_network.region"),
            use_lockfile: hcl.bool(true),
            assume_role: hcl.obj({
              role_arn: v("var.crossform_dep_network.assume_role.role_arn"),
              external_id: v("var.crossform_dep_network.assume_role.external_id"),
            }),
            allowed_account_ids: hcl.list([v("var.crossform_account_id")]),
          }),
        ),
        attr("workspace", hcl.str("default")),
      ],
    ),
  ],
  header,
);

const backendFile = renderHclFile([block("terraform", [], [block("backend", ["s3"], [])])], header);

const s3Backend = renderHclBody(
  [
    attr("bucket", hcl.str("tfstate-111111111111")),
    attr("key", hcl.str("network/terraform.tfstate")),
    attr("region", hcl.str("eu-west-1")),
    attr("encrypt", hcl.bool(true)),
    attr("use_lockfile", hcl.bool(true)),
    attr("allowed_account_ids", hcl.list([hcl.str("111111111111")])),
    attr(
      "assume_role",
      hcl.obj({
        role_arn: hcl.str("arn:aws:iam::111111111111:role/TerraformState"),
        session_name: hcl.str("crossform-network-dev"),
      }),
    ),
  ],
  header,
);

const documents: { name: string; text: string }[] = [
  { name: "providers with an alias, assume_role and default_tags", text: providerFile },
  { name: "variables with object types, defaults and nullable", text: variablesFile },
  { name: "terraform_remote_state with a nested assume_role object", text: remoteStateFile },
  { name: "an empty s3 backend block", text: backendFile },
  { name: "a .tfbackend body with an assume_role object", text: s3Backend },
  {
    name: "a .tfbackend body with dynamodb_table, external_id and a comment",
    text: renderHclBody(
      [
        comment("state of account dev"),
        attr("bucket", hcl.str("tfstate-dev")),
        attr("key", hcl.str("app/eu-west-1/terraform.tfstate")),
        attr("region", hcl.str("eu-west-1")),
        attr("dynamodb_table", hcl.str("terraform-locks")),
        blank(),
        attr(
          "assume_role",
          hcl.obj({
            role_arn: hcl.str("arn:aws:iam::222222222222:role/State"),
            session_name: hcl.str("crossform"),
            external_id: hcl.str("ext-1"),
            duration: hcl.str("1h"),
          }),
        ),
        attr("encrypt", hcl.bool(true)),
      ],
      header,
    ),
  },
  {
    name: "strings and labels needing escapes",
    text: renderHclFile([
      block(
        "locals",
        [],
        [
          attr("quote", hcl.str('say "hi"')),
          attr("backslash", hcl.str("C:\\temp\\x")),
          attr("newline", hcl.str("line1\nline2\r\n")),
          attr("tab", hcl.str("a\tb")),
          attr("interpolation", hcl.str("${var.x} and %{ if true }x%{ endif }")),
          attr("dollars", hcl.str("$$ $${ $ % %% {} $")),
          attr("control", hcl.str("bell\u0007 del\u007f nbsp\u00a0 zwj\u200d")),
          attr("unicode", hcl.str("é 😀 漢字 e\u0301")),
          attr("empty", hcl.str("")),
        ],
      ),
      block("resource", ["terraform_data", 'a "quoted" \\ label\n\t\u0001 é'], []),
    ]),
  },
  {
    name: "short, long, nested and forced lists",
    text: renderHclFile([
      attr("short", hcl.list([hcl.str("a"), hcl.str("b")])),
      attr("numbers", hcl.list([hcl.num(1), hcl.num(-2), hcl.num(3.5), hcl.num(1e21)])),
      attr("empty", hcl.list([])),
      attr(
        "long",
        hcl.list(
          ["111111111111", "222222222222", "333333333333", "444444444444", "555555555555"].map(
            (id) => hcl.str(id),
          ),
        ),
      ),
      attr("forced", hcl.list([hcl.str("a")], { multiline: true })),
      attr("nested", hcl.list([hcl.list([hcl.num(1)]), hcl.list([])])),
      attr("objects", hcl.list([hcl.obj({ a: hcl.num(1), bbb: hcl.num(2) }), hcl.obj({})])),
      attr(
        "calls",
        hcl.list([
          hcl.call("object", [hcl.obj({ a: v("string") })]),
          hcl.call("tolist", [hcl.list([v("var.a")])]),
        ]),
      ),
      attr("after", hcl.num(0)),
    ]),
  },
  {
    name: "empty objects, empty blocks and quoted or wide object keys",
    text: renderHclFile([
      attr("empty", hcl.obj({})),
      block("empty_block", ["x"], []),
      attr(
        "tags",
        hcl.obj([
          ["Name", hcl.str("x")],
          ["aws:cloudformation:stack-name", hcl.str("y")],
          ["for", hcl.str("keyword")],
          ["é", hcl.num(1)],
          ["e\u0301e\u0301", hcl.num(2)],
          ["\u0301 starts with a combining mark", hcl.num(8)],
          ["😀 x", hcl.num(3)],
          ["👨‍👩", hcl.num(4)],
          ["🇩🇪", hcl.num(5)],
          ["漢字", hcl.num(6)],
          ["a-b", hcl.num(7)],
        ]),
      ),
      attr("ü", hcl.num(1)),
    ]),
  },
  {
    name: "attributes of different lengths around blank lines, comments and blocks",
    text: renderHclFile([
      attr("a", hcl.num(1)),
      attr("bbbbbb", hcl.num(2)),
      blank(),
      attr("cc", hcl.num(3)),
      attr("d", hcl.num(4)),
      comment("breaks the run"),
      attr("eeeeeeeeee", hcl.num(5)),
      attr("f", hcl.obj({ x: hcl.num(1), yyyy: hcl.num(2) })),
      attr("gg", hcl.num(6)),
      attr("h", hcl.num(7)),
      block("nested", [], [attr("i", hcl.num(8)), attr("jjjjj", hcl.num(9))]),
      attr("k", hcl.num(10)),
      blank(),
      blank(),
      attr("llllll", hcl.call("merge", [v("var.a"), hcl.obj({ m: hcl.num(1) })])),
      attr("n", hcl.num(11)),
    ]),
  },
  {
    name: "comment header lines and comments in blocks",
    text: renderHclFile(
      [
        comment("first\n\nthird   "),
        block("x", [], [comment("inside"), attr("a", hcl.num(1)), comment("")]),
      ],
      { header: [GENERATED_HEADER, "# second header line", "#"] },
    ),
  },
  {
    name: "a multi-line argument followed by more arguments",
    text: renderHclFile([
      attr(
        "type",
        hcl.call("optional", [
          hcl.call("object", [hcl.obj({ a: v("string"), bb: v("number") })]),
          hcl.obj({}),
        ]),
      ),
      attr("other", hcl.num(1)),
    ]),
  },
  { name: "an empty file", text: renderHclFile([]) },
  { name: "a header alone", text: renderHclFile([], header) },
];

describe("rendered documents equal terraform fmt - output", () => {
  let formatted: string[] = [];
  before(async () => {
    formatted = await mapLimit(
      documents.map((doc) => doc.text),
      4,
      terraformFmt,
    );
  });
  documents.forEach((doc, index) => {
    test(doc.name, () => {
      assert.equal(doc.text, formatted[index]);
    });
  });
});

test("the provider file has the expected shape", () => {
  assert.equal(
    providerFile,
    `${GENERATED_HEADER}

provider "aws" {
  region              = var.crossform_region
  allowed_account_ids = [var.crossform_account_id]

  assume_role {
    role_arn     = var.crossform_role_arn
    session_name = var.crossform_session_name
    external_id  = var.crossform_external_id
  }

  default_tags {
    tags = var.crossform_default_tags
  }
}

provider "aws" {
  alias               = "prod"
  region              = var.crossform_ref_prod.region
  allowed_account_ids = [var.crossform_ref_prod.account_id]
  assume_role {
    role_arn    = var.crossform_ref_prod.role_arn
    external_id = var.crossform_ref_prod.external_id
  }
}
`,
  );
});

test("a .tfbackend body writes objects one entry a line", () => {
  assert.equal(
    s3Backend,
    `${GENERATED_HEADER}

bucket              = "tfstate-111111111111"
key                 = "network/terraform.tfstate"
region              = "eu-west-1"
encrypt             = true
use_lockfile        = true
allowed_account_ids = ["111111111111"]
assume_role = {
  role_arn     = "arn:aws:iam::111111111111:role/TerraformState"
  session_name = "crossform-network-dev"
}
`,
  );
});

test("a multi-line value ends the alignment run: later attributes align among themselves", () => {
  const text = renderHclFile([
    attr("a", hcl.num(1)),
    attr("bbbb", hcl.obj({ c: hcl.num(2) })),
    attr("dd", hcl.num(3)),
    attr("e", hcl.num(4)),
  ]);
  assert.equal(text, "a = 1\nbbbb = {\n  c = 2\n}\ndd = 3\ne  = 4\n");
});

test("object types are written as calls with a multi-line object argument", () => {
  const text = renderHclFile([block("variable", ["x"], [attr("type", refType)])]);
  assert.equal(
    text,
    `variable "x" {
  type = object({
    account_id  = string
    role_arn    = string
    region      = string
    external_id = optional(string)
  })
}
`,
  );
});

test("lists are inline up to 80 characters and one element a line beyond", () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => hcl.str(String(i).repeat(12)));
  const short = renderHclFile([attr("x", hcl.list(ids(5)))]);
  const long = renderHclFile([attr("x", hcl.list(ids(6)))]);
  assert.equal(short.split("\n").length, 2);
  assert.ok(long.startsWith('x = [\n  "000000000000",\n'));
  assert.ok(long.endsWith('  "555555555555",\n]\n'));
  assert.equal(
    renderHclFile([attr("x", hcl.list(ids(6), { multiline: false }))]).split("\n").length,
    2,
  );
});

describe("random documents equal terraform fmt output", () => {
  const count = 300;
  const texts = Array.from({ length: count }, (_, i) => randomDocument(0x5eed + i));
  let formatted: string[] = [];
  before(async () => {
    formatted = await terraformFmtMany(texts);
  });

  test(`all ${count} documents are unchanged by terraform fmt`, () => {
    const differing = texts.flatMap((text, i) =>
      text === formatted[i] ? [] : [`document ${i}:\n${text}\n--- fmt ---\n${formatted[i]}`],
    );
    assert.deepEqual(differing, []);
  });

  test("the documents cover what they should", () => {
    const all = texts.join("");
    for (const needle of [
      "\n\n\n",
      "= [\n",
      "= {\n",
      "}),",
      "({\n",
      "{}\n",
      "# ",
      "$${",
      "\\u",
      '"😀',
    ]) {
      assert.ok(all.includes(needle), `no random document contains ${JSON.stringify(needle)}`);
    }
  });

  test("formatting files in a directory gives what formatting stdin gives", async () => {
    const sample = texts
      .slice(0, 6)
      .map((text) => text.replaceAll(" = ", "=").replaceAll("  ", " "));
    const [viaDirectory, viaStdin] = await Promise.all([
      terraformFmtMany(sample),
      mapLimit(sample, 3, terraformFmt),
    ]);
    assert.deepEqual(viaDirectory, viaStdin);
    assert.notDeepEqual(viaDirectory, sample);
  });
});

describe("string escaping", () => {
  test("escapes quotes, backslashes, control characters and template introducers", () => {
    assert.equal(hclQuote('a"b'), '"a\\"b"');
    assert.equal(hclQuote("a\\b"), '"a\\\\b"');
    assert.equal(hclQuote("a\nb\rc\td"), '"a\\nb\\rc\\td"');
    assert.equal(hclQuote("${x}"), '"$${x}"');
    assert.equal(hclQuote("%{x}"), '"%%{x}"');
    assert.equal(hclQuote("$${x}"), '"$$${x}"');
    assert.equal(hclQuote("$ $$ % {"), '"$ $$ % {"');
    assert.equal(hclQuote("\u0001\u007f\u00a0\u200d"), '"\\u0001\\u007f\\u00a0\\u200d"');
    assert.equal(hclQuote("\u{e0001}"), '"\\U000e0001"');
    assert.equal(hclQuote("é😀"), '"é😀"');
  });

  test("terraform reads every escaped string back as the original", async () => {
    const samples = [
      'say "hi"',
      "C:\\temp\\",
      "l1\nl2\r\n\tend",
      "${var.x}",
      "%{ if true }x%{ endif }",
      "$${x} %%{y} $$${z}",
      "$",
      "%",
      "$$",
      "a{b}",
      "bell\u0007 del\u007f nbsp\u00a0 zwj\u200d tag\u{e0001}",
      "é 😀 漢字 e\u0301",
      "",
    ];
    const dir = await mkdtemp(join(tmpdir(), "crossform-hcl-quote-"));
    try {
      const expression = `base64encode(jsonencode([${samples.map(hclQuote).join(", ")}]))`;
      const result = await runTerraform(["console", "-no-color"], { cwd: dir, input: expression });
      assert.equal(result.code, 0, result.stderr);
      const base64 = JSON.parse(result.stdout.trim()) as string;
      // Terraform reads string literals in Unicode normalization form C.
      const expected = samples.map((sample) => sample.normalize("NFC"));
      assert.deepEqual(JSON.parse(Buffer.from(base64, "base64").toString("utf8")), expected);
      assert.notDeepEqual(expected, samples);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("formatTfvarsJson", () => {
  const value = {
    zeta: 1,
    alpha: { b: [3, { y: true, x: null }], a: "s", "10": 1, "9": 2 },
    crossform_region: "eu-west-1",
    skipped: undefined,
    empty: {},
    list: [],
  };

  test("puts the header first, sorts keys recursively, indents by two and ends with a newline", () => {
    assert.equal(
      formatTfvarsJson(value, GENERATED_NOTICE),
      `{
  "//": "${GENERATED_NOTICE}",
  "alpha": {
    "10": 1,
    "9": 2,
    "a": "s",
    "b": [
      3,
      {
        "x": null,
        "y": true
      }
    ]
  },
  "crossform_region": "eu-west-1",
  "empty": {},
  "list": [],
  "zeta": 1
}
`,
    );
  });

  test("has the layout of JSON.stringify with two spaces", () => {
    const text = formatTfvarsJson({ b: { d: [1, { f: "x", e: [] }], c: {} }, a: true }, "h");
    const parsed = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ["//", "a", "b"]);
    assert.equal(parsed["//"], "h");
    assert.equal(text, `${JSON.stringify(parsed, null, 2)}\n`);
  });

  test("uses the generated notice by default and escapes it as JSON", () => {
    assert.ok(formatTfvarsJson({}).startsWith(`{\n  "//": "${GENERATED_NOTICE}"\n}`));
    assert.equal(formatTfvarsJson({ a: 'q"' }, 'x"y'), '{\n  "//": "x\\"y",\n  "a": "q\\""\n}\n');
  });

  test("refuses a top-level // key, non-finite numbers and non-JSON values", () => {
    assert.throws(() => formatTfvarsJson({ "//": "x" }), CrossformError);
    assert.throws(() => formatTfvarsJson({ a: Number.NaN }), /tfvars\.a is NaN/);
    assert.throws(
      () => formatTfvarsJson({ a: { b: new Date(0) } }),
      /tfvars\.a\.b is a Date object/,
    );
    assert.throws(() => formatTfvarsJson({ a: [undefined] }), /tfvars\.a\[0\] is undefined/);
  });

  test("terraform reads the file and ignores the header property", async () => {
    const dir = await mkdtemp(join(tmpdir(), "crossform-tfvars-"));
    try {
      await writeFile(
        join(dir, "variables.tf"),
        renderHclFile([
          block("variable", ["crossform_region"], [attr("type", v("string"))]),
          block("variable", ["tags"], [attr("type", v("map(string)"))]),
        ]),
      );
      await writeFile(
        join(dir, "dev.tfvars.json"),
        formatTfvarsJson({ crossform_region: "eu-west-1", tags: { b: "2", a: "1" } }),
      );
      const result = await runTerraform(["console", "-no-color", "-var-file=dev.tfvars.json"], {
        cwd: dir,
        env: terraformEnv(),
        input: "jsonencode([var.crossform_region, var.tags])",
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout.trim()), '["eu-west-1",{"a":"1","b":"2"}]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("refusals", () => {
  const refuses = (fn: () => unknown, pattern: RegExp) => {
    assert.throws(fn, (error: unknown) => {
      assert.ok(error instanceof CrossformError);
      assert.equal(error.code, "generate/invalid-hcl");
      assert.equal(error.source, "internal");
      assert.match(error.message, pattern);
      assert.ok(error.hint !== undefined && error.hint.length > 0);
      return true;
    });
  };

  test("a duplicate attribute, names that are not identifiers and duplicate object keys", () => {
    refuses(
      () => renderHclFile([block("x", [], [attr("a", hcl.num(1)), attr("a", hcl.num(2))])]),
      /attribute a is set twice in block x/,
    );
    refuses(() => attr("1a", hcl.num(1)), /attribute name "1a" is not an HCL identifier/);
    refuses(() => block("a b", [], []), /block type "a b"/);
    refuses(
      () =>
        hcl.obj([
          ["k", hcl.num(1)],
          ["k", hcl.num(2)],
        ]),
      /object key "k" appears twice/,
    );
    refuses(() => hcl.obj({ é: hcl.num(1), "e\u0301": hcl.num(2) }), /appears twice/);
    refuses(() => hcl.call("a b", []), /function name "a b"/);
  });

  test("labels that terraform fmt would delete", () => {
    refuses(() => block("x", ["a$b"], []), /label "a\$b" of block x contains \$ or %/);
    refuses(() => block("x", ["100%"], []), /contains \$ or %/);
  });

  test("raw expressions fmt would rewrite or that span lines", () => {
    refuses(() => hcl.expr("a\nb"), /spans several lines/);
    refuses(() => hcl.expr(" var.a"), /surrounding whitespace/);
    refuses(() => hcl.expr('"${var.a}"'), /lone interpolation/);
    refuses(
      () => renderHclFile([block("variable", ["x"], [attr("type", hcl.str("string"))])]),
      /variable type "string" is a legacy form/,
    );
    refuses(
      () => renderHclFile([block("variable", ["x"], [attr("type", v("map"))])]),
      /variable type map is a legacy form/,
    );
  });

  test("two multi-line call arguments, forced inline lists of multi-line values", () => {
    const multi = hcl.obj({ a: hcl.num(1) });
    refuses(
      () => renderHclFile([attr("x", hcl.call("merge", [multi, multi]))]),
      /several multi-line/,
    );
    refuses(
      () => renderHclFile([attr("x", hcl.list([multi], { multiline: false }))]),
      /forced onto one line/,
    );
  });

  test("non-finite numbers, lone surrogates, bad headers and blocks in a backend body", () => {
    refuses(() => hcl.num(Number.POSITIVE_INFINITY), /number Infinity/);
    refuses(() => hcl.str("\ud800"), /lone UTF-16 surrogate/);
    refuses(() => renderHclFile([], { header: ["no hash"] }), /header line "no hash"/);
    refuses(() => renderHclBody([block("x", [], [])]), /block x cannot appear/);
    refuses(() => comment("a\r\nb"), /carriage return/);
  });
});

test("hcl.from converts plain data in its own key order and left-out items are dropped", () => {
  const items: HclItemInput[] = [
    attr("v", hcl.from({ b: [1, "x", true, null], a: { c: undefined, d: 2 } })),
    false,
    undefined,
    null,
  ];
  assert.equal(
    renderHclFile(items),
    'v = {\n  b = [1, "x", true, null]\n  a = {\n    d = 2\n  }\n}\n',
  );
  assert.throws(() => hcl.from(new Map()), /value is a Map object/);
});

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDocument(seed: number): string {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number) => random() < p;

  const names = [
    "a",
    "bb",
    "region",
    "alias",
    "allowed_account_ids",
    "x1",
    "ü",
    "é_x",
    "long_attribute_name",
    "k-dash",
    "_u",
  ];
  const keys = [
    ...names,
    "a b",
    "é",
    "e\u0301x",
    "\u0301y",
    "😀x",
    "for",
    "Name",
    "aws:tag",
    "1abc",
    "👨‍👩",
    "🇩🇪",
    "漢字",
    'x"y',
    "$${",
    "%{a}",
    "",
  ];
  const labels = [
    "aws",
    "terraform_data",
    "network",
    "a b",
    "é😀",
    'q"uote',
    "back\\slash",
    "tab\there",
    "",
  ];
  const fragments = [
    "a",
    "Z",
    " ",
    '"',
    "\\",
    "\n",
    "\t",
    "\r",
    "$",
    "%",
    "{",
    "}",
    "${",
    "%{",
    "$${",
    "é",
    "😀",
    "\u0001",
    "\u007f",
    "\u00a0",
    "\u200d",
    "e\u0301",
    "arn:aws:iam::111111111111:role/x",
  ];
  const exprs = [
    "var.crossform_region",
    "var.crossform_ref_a.role_arn",
    "local.x[0]",
    "data.terraform_remote_state.net.outputs",
    "[var.a, var.b]",
    "-1",
    "!var.flag",
    "optional(string)",
    "string",
    "list(string)",
    'var.a == "x" ? 1 : 2',
    "{ a = 1 }",
    "merge(var.a, { b = 2 })",
    '"${var.a}-x"',
    "tomap({})",
    "1 + 2",
  ];
  const numbers = [0, 1, -1, 42, 3.5, -0.25, 111111111111, 1e21, 1.5e-7, 2 ** 53];

  const unique = (pool: readonly string[], used: Set<string>): string => {
    let name = pick(pool);
    while (used.has(name)) name = `${pick(pool)}${int(100)}`.replace(/^\d/, "n");
    used.add(name);
    return name;
  };
  const str = () => Array.from({ length: int(6) }, () => pick(fragments)).join("");
  const scalar = (): HclValue => {
    switch (int(5)) {
      case 0:
        return hcl.str(chance(0.1) ? "x".repeat(30 + int(40)) : str());
      case 1:
        return hcl.num(pick(numbers));
      case 2:
        return hcl.bool(chance(0.5));
      case 3:
        return hcl.null();
      default:
        return v(pick(exprs));
    }
  };
  const value = (depth: number): HclValue => {
    const kind = depth >= 3 ? 0 : int(6);
    if (kind <= 2) return scalar();
    if (kind === 3) {
      const items = Array.from({ length: int(6) }, () => value(depth + 1));
      const multiline = pick([undefined, undefined, true]);
      return hcl.list(items, { ...(multiline === undefined ? {} : { multiline }) });
    }
    if (kind === 4) {
      const used = new Set<string>();
      return hcl.obj(
        Array.from({ length: int(5) }, () => [unique(keys, used), value(depth + 1)] as const),
      );
    }
    const wide = int(3);
    const args = Array.from({ length: int(4) }, (_, i) =>
      i === wide ? value(depth + 1) : scalar(),
    );
    return hcl.call(pick(["object", "optional", "merge", "tomap", "jsonencode", "concat"]), args);
  };
  const comments = ["", "note", "trailing  ", "a # b = c", "ü", "two\nlines"];
  const body = (depth: number, blocks: boolean): HclBodyItem[] => {
    const used = new Set<string>();
    return Array.from({ length: int(depth === 0 ? 9 : 6) }, (): HclBodyItem => {
      const roll = int(10);
      if (roll < 5) return attr(unique(names, used), value(1));
      if (roll < 7) return blank();
      if (roll < 8 || !blocks || depth >= 3) return comment(pick(comments));
      const type = pick(["provider", "assume_role", "default_tags", "backend", "dynamic", "x"]);
      return block(
        type,
        Array.from({ length: int(3) }, () => pick(labels)),
        body(depth + 1, true),
      );
    });
  };
  const options = chance(0.5)
    ? { header: [GENERATED_HEADER, ...(chance(0.3) ? ["# more"] : [])] }
    : {};
  return chance(0.3)
    ? renderHclBody(body(0, false), options)
    : renderHclFile(body(0, true), options);
}
