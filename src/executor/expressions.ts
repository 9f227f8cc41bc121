/**
 * A small, safe evaluator for the CEL-like expressions the SDK sends: trigger `if`s,
 * `waitForEvent` `if`/`match` (`event.data.x == async.data.x`), `priority.run` and concurrency
 * keys. It understands dotted paths, string/number/boolean/null literals, `== != < <= > >=`,
 * `&& || !` and parentheses. Anything else throws `UnsupportedExpression`; callers log it and
 * treat the expression as not matching. Nothing is ever `eval`ed.
 */

export class UnsupportedExpression extends Error {
  constructor(expression: string, why: string) {
    super(`Unsupported expression ${JSON.stringify(expression)}: ${why}`);
    this.name = "UnsupportedExpression";
  }
}

type Token =
  | { kind: "literal"; value: unknown }
  | { kind: "path"; parts: string[] }
  | { kind: "op"; value: string };

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")"];

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const rest = expression.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      let j = 1;
      let value = "";
      while (j < rest.length && rest[j] !== quote) {
        if (rest[j] === "\\" && j + 1 < rest.length) j++;
        value += rest[j];
        j++;
      }
      if (j >= rest.length) throw new UnsupportedExpression(expression, "unterminated string");
      tokens.push({ kind: "literal", value });
      i += j + 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number) {
      tokens.push({ kind: "literal", value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*/.exec(rest);
    if (word) {
      const text = word[0];
      if (text === "true" || text === "false") tokens.push({ kind: "literal", value: text === "true" });
      else if (text === "null") tokens.push({ kind: "literal", value: null });
      else tokens.push({ kind: "path", parts: text.split(".") });
      i += text.length;
      continue;
    }
    const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (!op) throw new UnsupportedExpression(expression, `unexpected ${JSON.stringify(rest[0])}`);
    tokens.push({ kind: "op", value: op });
    i += op.length;
  }
  return tokens;
}

function lookup(scope: Record<string, unknown>, parts: string[]): unknown {
  let value: unknown = scope;
  for (const part of parts) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function compare(op: string, left: unknown, right: unknown): boolean {
  switch (op) {
    case "==":
      return left === right || (left == null && right == null);
    case "!=":
      return !(left === right || (left == null && right == null));
  }
  if (typeof left !== typeof right || (typeof left !== "number" && typeof left !== "string")) return false;
  const [a, b] = [left as number | string, right as number | string];
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

/** Recursive descent: or → and → unary → comparison → primary. */
function evaluateTokens(expression: string, tokens: Token[], scope: Record<string, unknown>): unknown {
  let pos = 0;
  const peekOp = (): string | undefined => {
    const token = tokens[pos];
    return token?.kind === "op" ? token.value : undefined;
  };
  const fail = (why: string): never => {
    throw new UnsupportedExpression(expression, why);
  };

  function primary(): unknown {
    const token = tokens[pos++] ?? fail("unexpected end");
    if (token.kind === "literal") return token.value;
    if (token.kind === "path") return lookup(scope, token.parts);
    if (token.value === "(") {
      const value = or();
      if (peekOp() !== ")") fail("missing )");
      pos++;
      return value;
    }
    return fail(`unexpected ${token.value}`);
  }
  function comparison(): unknown {
    const left = primary();
    const op = peekOp();
    if (op && ["==", "!=", "<", "<=", ">", ">="].includes(op)) {
      pos++;
      return compare(op, left, primary());
    }
    return left;
  }
  function unary(): unknown {
    if (peekOp() === "!") {
      pos++;
      return !unary();
    }
    return comparison();
  }
  function and(): unknown {
    let value = unary();
    while (peekOp() === "&&") {
      pos++;
      const right = unary();
      value = Boolean(value) && Boolean(right);
    }
    return value;
  }
  function or(): unknown {
    let value = and();
    while (peekOp() === "||") {
      pos++;
      const right = and();
      value = Boolean(value) || Boolean(right);
    }
    return value;
  }

  const value = or();
  if (pos !== tokens.length) fail("trailing input");
  return value;
}

/** Evaluates an expression against named roots such as `{ event, async }`. */
export function evaluate(expression: string, scope: Record<string, unknown>): unknown {
  return evaluateTokens(expression, tokenize(expression), scope);
}

/** True when the expression holds; false when it does not or cannot be evaluated (reported). */
export function matches(
  expression: string | null | undefined,
  scope: Record<string, unknown>,
  onUnsupported: (error: UnsupportedExpression) => void,
): boolean {
  if (!expression) return true;
  try {
    return evaluate(expression, scope) === true;
  } catch (error) {
    if (error instanceof UnsupportedExpression) {
      onUnsupported(error);
      return false;
    }
    throw error;
  }
}

/** `event.data.<path>` → the path after `event.`; null for anything else. */
export function eventDataPath(expression: string): string[] | null {
  const match = /^\s*event\.data(\.[A-Za-z_]\w*)+\s*$/.exec(expression);
  return match ? expression.trim().split(".").slice(1) : null;
}
