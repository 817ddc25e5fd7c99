import type {
  HclAttribute,
  HclBlock,
  HclBody,
  HclExpression,
  HclTemplatePart,
  HclTraversalStep,
} from "./syntax.ts";

/** The attribute of a body with this name (the first one when it is duplicated). */
export function findAttribute(body: HclBody, name: string): HclAttribute | undefined {
  return body.attributes.find((attribute) => attribute.name === name);
}

/** The blocks of a body with this type, in source order. */
export function blocksOfType(body: HclBody, type: string): HclBlock[] {
  return body.blocks.filter((block) => block.type === type);
}

/** True when the body sets `name` either as an attribute or as a nested block (JSON syntax may use either). */
export function hasAttributeOrBlock(body: HclBody, name: string): boolean {
  return (
    findAttribute(body, name) !== undefined || body.blocks.some((block) => block.type === name)
  );
}

/**
 * True when the body sets `name` as an attribute, a block, or a `dynamic "<name>"` block (which
 * Terraform expands into blocks of that type).
 */
export function setsArgument(body: HclBody, name: string): boolean {
  return (
    hasAttributeOrBlock(body, name) ||
    body.blocks.some((block) => block.type === "dynamic" && block.labels[0] === name)
  );
}

/**
 * The string an expression stands for when it is a literal: a quoted string, a template with no
 * interpolation, or a heredoc with no interpolation. Undefined for anything computed.
 */
export function stringValue(expression: HclExpression): string | undefined {
  switch (expression.kind) {
    case "string":
      return expression.value;
    case "heredoc":
      return expression.value;
    case "template":
      if (expression.hasInterpolation || expression.hasDirective) return undefined;
      return expression.parts.map((part) => (part.kind === "literal" ? part.value : "")).join("");
    default:
      return undefined;
  }
}

/** A literal string, number or bool as a JavaScript value; undefined for anything else. */
export function literalValue(expression: HclExpression): string | number | boolean | undefined {
  if (expression.kind === "number") return expression.value;
  if (expression.kind === "bool") return expression.value;
  return stringValue(expression);
}

/**
 * Every literal a value is made of: the strings, numbers and bools of a literal, of the items of a
 * tuple and of the values of an object (keys left out), and the literal text of a template or
 * heredoc. Computed parts (references, calls, interpolations) contribute nothing.
 */
export function literalLeaves(expression: HclExpression): (string | number | boolean)[] {
  const leaves: (string | number | boolean)[] = [];
  const walk = (node: HclExpression): void => {
    switch (node.kind) {
      case "string":
      case "number":
      case "bool":
        leaves.push(node.value);
        return;
      case "heredoc":
      case "template": {
        const whole = stringValue(node);
        if (whole !== undefined) leaves.push(whole);
        else for (const part of node.parts) if (part.kind === "literal") leaves.push(part.value);
        return;
      }
      case "tuple":
        node.items.forEach(walk);
        return;
      case "object":
        for (const item of node.items) walk(item.value);
        return;
      case "parentheses":
        walk(node.expression);
        return;
      default:
        return;
    }
  };
  walk(expression);
  return leaves;
}

/**
 * The text of a static reference such as `aws.west`, `var.tags["env"]` or `module.net.ids[0]`.
 * A string (how JSON syntax writes references) and a template made of one interpolation count too.
 * Undefined when the expression is not a static reference.
 */
export function referenceText(expression: HclExpression): string | undefined {
  if (expression.kind === "string") return expression.value;
  if (expression.kind === "template") {
    const [only] = expression.parts;
    if (
      expression.parts.length === 1 &&
      only?.kind === "interpolation" &&
      only.expression !== undefined
    ) {
      return referenceText(only.expression);
    }
    return undefined;
  }
  if (expression.kind !== "traversal") return undefined;
  let text = expression.root;
  for (const step of expression.steps) {
    const piece = stepText(step);
    if (piece === undefined) return undefined;
    text += piece;
  }
  return text;
}

function stepText(step: HclTraversalStep): string | undefined {
  if (step.kind === "attr") return `.${step.name}`;
  if (step.kind === "splat") return step.style === "full" ? "[*]" : ".*";
  if (step.key.kind === "number") return `[${step.key.raw}]`;
  if (step.key.kind === "string") return `[${JSON.stringify(step.key.value)}]`;
  return undefined;
}

/** The name an object key stands for: a bare word (`aws`), a quoted string, or a dotted word (`aws.west`). */
export function objectKeyName(key: HclExpression): string | undefined {
  if (key.kind === "traversal" && key.steps.every((step) => step.kind === "attr"))
    return referenceText(key);
  return stringValue(key);
}

/** The expressions directly inside an expression (not deeper), in source order. */
export function childExpressions(expression: HclExpression): HclExpression[] {
  switch (expression.kind) {
    case "template":
    case "heredoc":
      return partExpressions(expression.parts);
    case "tuple":
      return expression.items;
    case "object":
      return expression.items.flatMap((item) => [item.key, item.value]);
    case "traversal":
      return stepExpressions(expression.steps);
    case "access":
      return [expression.target, ...stepExpressions(expression.steps)];
    case "call":
      return expression.args;
    case "conditional":
      return [expression.condition, expression.trueResult, expression.falseResult];
    case "for": {
      const out = [expression.collection];
      if (expression.key !== undefined) out.push(expression.key);
      out.push(expression.value);
      if (expression.condition !== undefined) out.push(expression.condition);
      return out;
    }
    case "unary":
      return [expression.operand];
    case "binary":
      return [expression.left, expression.right];
    case "parentheses":
      return [expression.expression];
    default:
      return [];
  }
}

function stepExpressions(steps: HclTraversalStep[]): HclExpression[] {
  return steps.flatMap((step) => (step.kind === "index" ? [step.key] : []));
}

function partExpressions(parts: HclTemplatePart[]): HclExpression[] {
  const out: HclExpression[] = [];
  for (const part of parts) {
    if (part.kind === "interpolation") {
      if (part.expression !== undefined) out.push(part.expression);
    } else if (part.kind === "if") {
      out.push(
        part.condition,
        ...partExpressions(part.whenTrue),
        ...partExpressions(part.whenFalse),
      );
    } else if (part.kind === "for") {
      out.push(part.collection, ...partExpressions(part.body));
    }
  }
  return out;
}

/** Visits an expression and every expression inside it, depth first, parents before children. */
export function walkExpression(
  expression: HclExpression,
  visit: (expression: HclExpression) => void,
): void {
  const stack = [expression];
  while (stack.length > 0) {
    const current = stack.pop() as HclExpression;
    visit(current);
    const children = childExpressions(current);
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i] as HclExpression);
  }
}

/** Visits every block of a body at any depth, parents before children, with the chain of enclosing blocks. */
export function walkBlocks(
  blocks: HclBlock[],
  visit: (block: HclBlock, ancestors: HclBlock[]) => void,
  ancestors: HclBlock[] = [],
): void {
  for (const block of blocks) {
    visit(block, ancestors);
    walkBlocks(block.body.blocks, visit, [...ancestors, block]);
  }
}
