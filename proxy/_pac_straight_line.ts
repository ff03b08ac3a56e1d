/**
 * The PAC fast path: a script that lies in a small straight-line subset of JavaScript is
 * answered on the calling thread by a tree-walking interpreter in the host, instead of crossing
 * to QuickJS on the PAC thread (`_pac_thread.ts`). Whether a script qualifies is decided once,
 * when it is compiled; QuickJS stays the engine for every other script, and for any run the
 * interpreter does not model exactly.
 *
 * The subset. Top level: function declarations, and `var`/`let`/`const` with literal values.
 * Inside functions: `if`/`else`, `return`, blocks, local `var`/`let`/`const`, and statements
 * assigning (`=`, `+=`) a parameter or local. No loops, no recursion (the script's call graph
 * is acyclic), no nested functions, `this`, `new`, `arguments`, regular expressions, `try`,
 * `switch`, templates, spread, computed members, writes to globals. Expressions: literals,
 * names (parameters, locals, the script's constants, `undefined`, `NaN`, `Infinity`), `===`,
 * `!==`, `==`, `!=`, `<`, `<=`, `>`, `>=`, `+`, unary `!`, `-` and `typeof`, `&&`, `||`, `??`,
 * `?:`, `.length`, ten String methods, and calls to the script's functions and to the helpers
 * of `_pac_fast_helpers.ts` (a script function of a helper's name replaces it, as in QuickJS).
 *
 * The interpreter is closures built from the syntax tree (never `eval` or `new Function`): it
 * performs only those operations, on primitive values, so a script can reach no host object.
 * At run time it declines, and QuickJS answers instead, on anything whose QuickJS result it
 * does not reproduce exactly: a string converted to a number, a non-integer number converted to
 * a string, a String method on a non-string or with arguments of other types, case mapping
 * outside ASCII, a helper given a non-string, a read before a `let` is initialised, a string
 * over 64 KiB, work over its budget, or an answer that is not a string (QuickJS then reports
 * the error). Within those bounds both engines follow ECMAScript on primitives, so their
 * answers are the same; proxy/_pac_straight_line_test.ts checks that on generated scripts.
 *
 * Parser: acorn (npm `acorn`), the parser under webpack, rollup and ESLint's espree: maintained,
 * no dependencies, ESTree output with TypeScript types, and run here on the script text only.
 *
 * @module
 */

import { createRequire } from "node:module";
import type {
  BlockStatement,
  CallExpression,
  Expression,
  FunctionDeclaration,
  Identifier,
  Pattern,
  Statement,
} from "acorn";
import { FAST_HELPERS } from "./_pac_fast_helpers.ts";

// `require` finds acorn beside this file; a bare `import` would resolve through the importing
// program's Deno configuration, which need not list @ses's dependencies.
const { parse } = createRequire(import.meta.url)("acorn") as typeof import("acorn");

type Value = string | number | boolean | null | undefined;
// A `let` or `const` slot before its declaration has run.
const UNSET: unique symbol = Symbol("uninitialised");
type Frame = (Value | typeof UNSET)[];
type Expr = (frame: Frame) => Value;
// Returns whether the statement returned (the value is in the frame's slot 0).
type Stmt = (frame: Frame) => boolean;
type Callable = (args: Value[]) => Value;

/** Longest string a run may build, in UTF-16 code units. */
export const MAX_FAST_STRING = 64 * 1024;
/**
 * Work one run may do: a statement or call costs 16, string operations their lengths in code
 * units (about a millisecond in all).
 */
export const FAST_RUN_BUDGET = 1 << 20;
const STEP_COST = 16;
// Scripts longer than this are not parsed on the calling thread.
const MAX_SOURCE = 256 * 1024;
// Syntax nesting plus, along the longest call chain, the callee's: bounds the host stack.
const MAX_STACK_WEIGHT = 1000;

// Thrown at run time where the interpreter declines.
const DECLINE = Symbol("decline");
// Thrown at compile time: the script is outside the subset.
class Ineligible extends Error {}

let budget = 0;

function spend(units: number): void {
  if ((budget -= units) < 0) throw DECLINE;
}

/** A script the fast path answers. */
export interface StraightLinePac {
  /**
   * Runs the entry function (`FindProxyForURLEx` if declared, else `FindProxyForURL`).
   *
   * @param url The URL as the script sees it (sanitised).
   * @param host The host without brackets.
   * @returns The answer, or `undefined` when the fast path declines this run.
   */
  run(url: string, host: string): string | undefined;
}

/**
 * Decides whether a script lies in the fast path's subset, and builds its interpreter if so.
 * Call it only for a script QuickJS has compiled: it does not report syntax errors.
 *
 * @param source The PAC script.
 * @returns The interpreter, or the reason the script is outside the subset.
 *
 * @example
 * ```ts
 * import { compileStraightLine } from "./_pac_straight_line.ts";
 * const pac = compileStraightLine(
 *   'function FindProxyForURL(url, host) { return isPlainHostName(host) ? "DIRECT" : "PROXY p:1"; }',
 * );
 * if ("run" in pac) console.log(pac.run("http://intranet/", "intranet")); // DIRECT
 * ```
 */
export function compileStraightLine(source: string): StraightLinePac | { reason: string } {
  if (source.length > MAX_SOURCE) return { reason: "the script is over 256 KiB" };
  try {
    const entry = new ScriptCompiler(source).entry();
    return {
      run(url, host) {
        budget = FAST_RUN_BUDGET;
        try {
          const answer = entry([url, host]);
          return typeof answer === "string" ? answer : undefined;
        } catch {
          // DECLINE, or the host's own stack running out: QuickJS answers.
          return undefined;
        }
      },
    };
  } catch (error) {
    // Ineligible, or acorn's SyntaxError (or RangeError on deep nesting).
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

// Names a script may not declare: the global object's own (replacing `String` would change what
// the QuickJS helpers compute) and those with special meaning.
const RESERVED = new Set([
  "undefined",
  "NaN",
  "Infinity",
  "globalThis",
  "eval",
  "arguments",
  "Object",
  "Function",
  "Array",
  "Number",
  "String",
  "Boolean",
  "Symbol",
  "BigInt",
  "Math",
  "JSON",
  "Date",
  "RegExp",
  "Error",
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
  "AggregateError",
  "InternalError",
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "WeakRef",
  "FinalizationRegistry",
  "Promise",
  "Proxy",
  "Reflect",
  "ArrayBuffer",
  "SharedArrayBuffer",
  "DataView",
  "Atomics",
  "Iterator",
  "parseInt",
  "parseFloat",
  "isNaN",
  "isFinite",
  "escape",
  "unescape",
  "decodeURI",
  "decodeURIComponent",
  "encodeURI",
  "encodeURIComponent",
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "BigInt64Array",
  "BigUint64Array",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "TypedArray",
]);
// Every helper the sandbox defines: a script constant of such a name would replace it.
const PAC_HELPER_NAMES = new Set([
  "isPlainHostName",
  "dnsDomainIs",
  "localHostOrDomainIs",
  "dnsResolve",
  "dnsResolveEx",
  "isResolvable",
  "isResolvableEx",
  "myIpAddress",
  "myIpAddressEx",
  "isInNet",
  "isInNetEx",
  "sortIpAddressList",
  "dnsDomainLevels",
  "shExpMatch",
  "alert",
  "console",
  "weekdayRange",
  "dateRange",
  "timeRange",
  "FindProxyForURL",
  "FindProxyForURLEx",
]);
const CONSTANT_NAMES: ReadonlyMap<string, Value> = new Map([
  ["undefined", undefined],
  ["NaN", NaN],
  ["Infinity", Infinity],
]);

interface Local {
  slot: number;
  kind: "var" | "let" | "const";
}

// One function's scopes while it is compiled: parameters and `var`s, then blocks.
class FunctionScope {
  readonly template: Frame = [undefined];
  readonly #function = new Map<string, Local>();
  readonly #blocks: Map<string, Local>[] = [];

  declare(name: string, kind: Local["kind"], inBlock: boolean): void {
    if (RESERVED.has(name)) throw new Ineligible(`the script declares "${name}"`);
    const scope = inBlock ? this.#blocks[this.#blocks.length - 1]! : this.#function;
    if (scope.has(name)) {
      if (kind === "var" && scope.get(name)!.kind === "var") return;
      throw new Ineligible(`"${name}" is declared twice`);
    }
    scope.set(name, { slot: this.template.length, kind });
    this.template.push(kind === "var" ? undefined : UNSET);
  }

  enterBlock(): void {
    this.#blocks.push(new Map());
  }

  leaveBlock(): void {
    this.#blocks.pop();
  }

  resolve(name: string): Local | undefined {
    for (let i = this.#blocks.length - 1; i >= 0; i--) {
      const local = this.#blocks[i]!.get(name);
      if (local !== undefined) return local;
    }
    return this.#function.get(name);
  }
}

class ScriptCompiler {
  readonly #functions = new Map<string, FunctionDeclaration>();
  readonly #constants = new Map<string, Value>();
  readonly #compiled = new Map<string, { call: Callable; weight: number }>();
  readonly #compiling = new Set<string>();
  // The function being compiled: its scopes, its deepest nesting, its heaviest callee.
  #scope = new FunctionScope();
  #depth = 0;
  #deepest = 0;
  #heaviestCallee = 0;

  constructor(source: string) {
    const program = parse(source, { ecmaVersion: "latest", sourceType: "script" });
    for (const statement of program.body) {
      if (statement.type === "FunctionDeclaration") {
        this.#declareGlobal(statement.id.name, true);
        this.#functions.set(statement.id.name, statement);
      } else if (statement.type === "VariableDeclaration") {
        if (statement.kind !== "var" && statement.kind !== "let" && statement.kind !== "const") {
          throw new Ineligible(`top-level "${statement.kind}" declaration`);
        }
        for (const { id, init } of statement.declarations) {
          const name = identifierName(id);
          this.#declareGlobal(name, false);
          this.#constants.set(name, init == null ? undefined : literalValue(init));
        }
      } else {
        throw new Ineligible(`top-level ${statement.type}`);
      }
    }
  }

  entry(): Callable {
    for (const name of this.#functions.keys()) this.#function(name);
    const name = this.#functions.has("FindProxyForURLEx") ? "FindProxyForURLEx" : "FindProxyForURL";
    const entry = this.#compiled.get(name);
    if (entry === undefined) throw new Ineligible("FindProxyForURL() is undefined");
    return entry.call;
  }

  #declareGlobal(name: string, isFunction: boolean): void {
    if (RESERVED.has(name) || (!isFunction && PAC_HELPER_NAMES.has(name))) {
      throw new Ineligible(`the script declares "${name}"`);
    }
    if (this.#functions.has(name) || this.#constants.has(name)) {
      throw new Ineligible(`"${name}" is declared twice`);
    }
  }

  // Compiles a script function (its callees first), rejecting recursion.
  #function(name: string): { call: Callable; weight: number } {
    const done = this.#compiled.get(name);
    if (done !== undefined) return done;
    if (this.#compiling.has(name)) throw new Ineligible(`"${name}" is recursive`);
    this.#compiling.add(name);
    const node = this.#functions.get(name)!;
    if (node.async || node.generator) throw new Ineligible(`"${name}" is async or a generator`);
    const saved = [this.#scope, this.#depth, this.#deepest, this.#heaviestCallee] as const;
    const scope = this.#scope = new FunctionScope();
    this.#depth = this.#deepest = this.#heaviestCallee = 0;
    const params = node.params.map((param) => {
      const paramName = identifierName(param);
      if (scope.resolve(paramName) !== undefined) {
        throw new Ineligible(`"${name}" repeats the parameter "${paramName}"`);
      }
      scope.declare(paramName, "var", false);
      return paramName;
    });
    for (const varName of hoistedVars(node.body.body)) scope.declare(varName, "var", false);
    const body = this.#block(node.body);
    const weight = this.#deepest + this.#heaviestCallee;
    if (weight > MAX_STACK_WEIGHT) throw new Ineligible(`"${name}" nests too deeply`);
    [this.#scope, this.#depth, this.#deepest, this.#heaviestCallee] = saved;
    const template = scope.template;
    const arity = params.length;
    const call: Callable = (args) => {
      spend(STEP_COST);
      const frame = template.slice();
      for (let i = 0; i < arity; i++) frame[i + 1] = args[i];
      body(frame);
      return frame[0] as Value;
    };
    this.#compiling.delete(name);
    const compiled = { call, weight };
    this.#compiled.set(name, compiled);
    return compiled;
  }

  #nest(): void {
    if (++this.#depth > this.#deepest) this.#deepest = this.#depth;
    if (this.#depth > MAX_STACK_WEIGHT) throw new Ineligible("the script nests too deeply");
  }

  #block(node: BlockStatement): Stmt {
    const scope = this.#scope;
    scope.enterBlock();
    for (const statement of node.body) {
      if (statement.type !== "VariableDeclaration" || statement.kind === "var") continue;
      for (const { id } of statement.declarations) {
        scope.declare(identifierName(id), statement.kind === "const" ? "const" : "let", true);
      }
    }
    const statements = node.body.map((statement) => this.#statement(statement));
    scope.leaveBlock();
    return (frame) => {
      for (const statement of statements) if (statement(frame)) return true;
      return false;
    };
  }

  #statement(node: Statement): Stmt {
    this.#nest();
    const compiled = this.#statementOf(node);
    this.#depth--;
    return (frame) => {
      spend(STEP_COST);
      return compiled(frame);
    };
  }

  #statementOf(node: Statement): Stmt {
    switch (node.type) {
      case "BlockStatement":
        return this.#block(node);
      case "EmptyStatement":
        return () => false;
      case "ReturnStatement": {
        const value = node.argument == null ? () => undefined : this.#expression(node.argument);
        return (frame) => {
          frame[0] = value(frame);
          return true;
        };
      }
      case "IfStatement": {
        const test = this.#expression(node.test);
        const consequent = this.#statement(node.consequent);
        const alternate = node.alternate == null ? () => false : this.#statement(node.alternate);
        return (frame) => test(frame) ? consequent(frame) : alternate(frame);
      }
      case "VariableDeclaration":
        return this.#declaration(node.kind, node.declarations);
      case "ExpressionStatement": {
        const expression = node.expression;
        if ("directive" in node || expression.type !== "AssignmentExpression") {
          throw new Ineligible("an expression statement that is not an assignment");
        }
        if (expression.operator !== "=" && expression.operator !== "+=") {
          throw new Ineligible(`the assignment operator "${expression.operator}"`);
        }
        const target = this.#assignable(identifierName(expression.left));
        const value = this.#expression(expression.right);
        if (expression.operator === "=") {
          return (frame) => {
            target.read(frame);
            target.write(frame, value(frame));
            return false;
          };
        }
        return (frame) => {
          target.write(frame, plus(target.read(frame), value(frame)));
          return false;
        };
      }
      default:
        throw new Ineligible(`the statement ${node.type}`);
    }
  }

  #declaration(
    kind: string,
    declarators: readonly { id: Pattern; init?: Expression | null }[],
  ): Stmt {
    if (kind !== "var" && kind !== "let" && kind !== "const") {
      throw new Ineligible(`a "${kind}" declaration`);
    }
    const steps: ((frame: Frame) => void)[] = [];
    for (const { id, init } of declarators) {
      const local = this.#scope.resolve(identifierName(id))!;
      const slot = local.slot;
      if (init != null) {
        const value = this.#expression(init);
        steps.push((frame) => frame[slot] = value(frame));
      } else if (kind !== "var") {
        steps.push((frame) => frame[slot] = undefined);
      }
    }
    return (frame) => {
      for (const step of steps) step(frame);
      return false;
    };
  }

  #assignable(name: string): {
    read: (frame: Frame) => Value;
    write: (frame: Frame, value: Value) => void;
  } {
    const local = this.#scope.resolve(name);
    if (local === undefined) throw new Ineligible(`an assignment to the global "${name}"`);
    if (local.kind === "const") throw new Ineligible(`an assignment to the constant "${name}"`);
    return {
      read: localReader(local),
      write: (frame, value) => frame[local.slot] = value,
    };
  }

  #expression(node: Expression): Expr {
    this.#nest();
    const compiled = this.#expressionOf(node);
    this.#depth--;
    return compiled;
  }

  #expressionOf(node: Expression): Expr {
    switch (node.type) {
      case "Literal": {
        const value = literalValue(node);
        return () => value;
      }
      case "Identifier":
        return this.#identifier(node);
      case "UnaryExpression": {
        const argument = this.#expression(node.argument);
        switch (node.operator) {
          case "!":
            return (frame) => !argument(frame);
          case "typeof":
            return (frame) => typeof argument(frame);
          case "-":
            return (frame) => {
              const value = argument(frame);
              if (typeof value !== "number") throw DECLINE;
              return -value;
            };
          default:
            throw new Ineligible(`the operator "${node.operator}"`);
        }
      }
      case "BinaryExpression": {
        if (node.left.type === "PrivateIdentifier") throw new Ineligible("a private name");
        const binary = BINARY[node.operator];
        if (binary === undefined) throw new Ineligible(`the operator "${node.operator}"`);
        const left = this.#expression(node.left);
        const right = this.#expression(node.right);
        return (frame) => binary(left(frame), right(frame));
      }
      case "LogicalExpression": {
        const left = this.#expression(node.left);
        const right = this.#expression(node.right);
        if (node.operator === "&&") return (frame) => left(frame) && right(frame);
        if (node.operator === "||") return (frame) => left(frame) || right(frame);
        return (frame) => left(frame) ?? right(frame);
      }
      case "ConditionalExpression": {
        const test = this.#expression(node.test);
        const consequent = this.#expression(node.consequent);
        const alternate = this.#expression(node.alternate);
        return (frame) => test(frame) ? consequent(frame) : alternate(frame);
      }
      case "MemberExpression": {
        if (
          node.computed || node.optional || node.object.type === "Super" ||
          node.property.type !== "Identifier" || node.property.name !== "length"
        ) {
          throw new Ineligible("a member other than .length");
        }
        const object = this.#expression(node.object);
        return (frame) => {
          const value = object(frame);
          if (typeof value !== "string") throw DECLINE;
          return value.length;
        };
      }
      case "CallExpression":
        return this.#call(node);
      default:
        throw new Ineligible(`the expression ${node.type}`);
    }
  }

  #identifier(node: Identifier): Expr {
    const name = node.name;
    const local = this.#scope.resolve(name);
    if (local !== undefined) return localReader(local);
    if (this.#functions.has(name)) throw new Ineligible(`the function "${name}" used as a value`);
    if (this.#constants.has(name) || CONSTANT_NAMES.has(name)) {
      const value = this.#constants.has(name)
        ? this.#constants.get(name)
        : CONSTANT_NAMES.get(name);
      return () => value;
    }
    throw new Ineligible(`"${name}" is not declared by the script`);
  }

  #call(node: CallExpression): Expr {
    if (node.optional) throw new Ineligible("an optional call");
    const args = node.arguments.map((arg) => {
      if (arg.type === "SpreadElement") throw new Ineligible("a spread argument");
      return this.#expression(arg);
    });
    const callee = node.callee;
    if (callee.type === "Identifier") {
      const name = callee.name;
      if (this.#scope.resolve(name) !== undefined || this.#constants.has(name)) {
        throw new Ineligible(`a call of the variable "${name}"`);
      }
      if (this.#functions.has(name)) {
        const { call, weight } = this.#function(name);
        this.#heaviestCallee = Math.max(this.#heaviestCallee, weight + this.#depth);
        return (frame) => {
          const values: Value[] = [];
          for (const arg of args) values.push(arg(frame));
          return call(values);
        };
      }
      // Own properties only: `constructor` and the like are no helpers.
      const helper = Object.hasOwn(FAST_HELPERS, name) ? FAST_HELPERS[name] : undefined;
      if (helper === undefined) throw new Ineligible(`a call of "${name}"`);
      const [first = NO_ARGUMENT, second = NO_ARGUMENT] = args;
      const { arity, cost, run } = helper;
      return (frame) => {
        const a = first(frame);
        const b = second(frame);
        for (let i = 2; i < args.length; i++) args[i]!(frame);
        if (typeof a !== "string" || (arity === 2 && typeof b !== "string")) throw DECLINE;
        const other = b as string;
        spend(STEP_COST + cost(a, other));
        const answer = run(a, other);
        if (answer === undefined) throw DECLINE;
        return answer;
      };
    }
    if (
      callee.type !== "MemberExpression" || callee.computed || callee.optional ||
      callee.object.type === "Super" || callee.property.type !== "Identifier" ||
      !Object.hasOwn(STRING_METHODS, callee.property.name)
    ) {
      throw new Ineligible("a call of something other than a function or a String method");
    }
    const method = STRING_METHODS[callee.property.name]!;
    const receiver = this.#expression(callee.object);
    const [first = NO_ARGUMENT, second = NO_ARGUMENT] = args;
    return (frame) => {
      const text = receiver(frame);
      const a = first(frame);
      const b = second(frame);
      for (let i = 2; i < args.length; i++) args[i]!(frame);
      if (typeof text !== "string") throw DECLINE;
      spend(STEP_COST + text.length);
      return method(text, a, b);
    };
  }
}

const NO_ARGUMENT: Expr = () => undefined;

function localReader(local: Local): Expr {
  const slot = local.slot;
  if (local.kind === "var") return (frame) => frame[slot] as Value;
  return (frame) => {
    const value = frame[slot];
    // QuickJS throws a ReferenceError: it reports it.
    if (value === UNSET) throw DECLINE;
    return value;
  };
}

function identifierName(node: Pattern): string {
  if (node.type !== "Identifier") throw new Ineligible(`the pattern ${node.type}`);
  return node.name;
}

// A literal string, number, boolean or null, or a negated number literal.
function literalValue(node: Expression): Value {
  if (
    node.type === "UnaryExpression" && node.operator === "-" && node.argument.type === "Literal" &&
    typeof node.argument.value === "number"
  ) {
    return -node.argument.value;
  }
  if (node.type !== "Literal" || node.regex !== undefined || node.bigint !== undefined) {
    throw new Ineligible(`the value ${node.type === "Literal" ? node.raw : node.type}`);
  }
  return node.value as Value;
}

// The names of a function's `var` declarations, wherever they are in its body.
function* hoistedVars(statements: readonly Statement[]): Generator<string> {
  for (const statement of statements) {
    if (statement.type === "VariableDeclaration" && statement.kind === "var") {
      for (const { id } of statement.declarations) yield identifierName(id);
    } else if (statement.type === "BlockStatement") {
      yield* hoistedVars(statement.body);
    } else if (statement.type === "IfStatement") {
      yield* hoistedVars([statement.consequent]);
      if (statement.alternate != null) yield* hoistedVars([statement.alternate]);
    }
  }
}

// A number as `+` turns it into a string: only safe integers, whose text no engine differs on.
function numberText(value: number): string {
  if (!Number.isSafeInteger(value)) throw DECLINE;
  return String(value);
}

function plus(left: Value, right: Value): Value {
  if (typeof left === "string" || typeof right === "string") {
    const text = (typeof left === "number" ? numberText(left) : String(left)) +
      (typeof right === "number" ? numberText(right) : String(right));
    if (text.length > MAX_FAST_STRING) throw DECLINE;
    spend(text.length);
    return text;
  }
  // null, undefined, booleans and numbers: the host's ToNumber is ECMAScript's.
  return (left as number) + (right as number);
}

// `<` and friends: strings compare by code units; a string against anything else would be
// converted to a number.
function comparable(left: Value, right: Value): void {
  if ((typeof left === "string") !== (typeof right === "string")) throw DECLINE;
}

function looseEquals(left: Value, right: Value): boolean {
  if (typeof left === typeof right || left == null || right == null) return left == right;
  if (typeof left === "string" || typeof right === "string") throw DECLINE;
  // A number against a boolean.
  return left == right;
}

const BINARY: Partial<Record<string, (left: Value, right: Value) => Value>> = {
  "===": (left, right) => left === right,
  "!==": (left, right) => left !== right,
  "==": looseEquals,
  "!=": (left, right) => !looseEquals(left, right),
  "<": (left, right) => {
    comparable(left, right);
    return (left as number) < (right as number);
  },
  "<=": (left, right) => {
    comparable(left, right);
    return (left as number) <= (right as number);
  },
  ">": (left, right) => {
    comparable(left, right);
    return (left as number) > (right as number);
  },
  ">=": (left, right) => {
    comparable(left, right);
    return (left as number) >= (right as number);
  },
  "+": plus,
};

function stringArgument(value: Value): string {
  if (typeof value !== "string") throw DECLINE;
  return value;
}

// An optional position: a number or nothing (other types would be converted).
function position(value: Value): number {
  if (value !== undefined && typeof value !== "number") throw DECLINE;
  return value as number;
}

const ASCII = /^[\0-\x7f]*$/;

function ascii(text: string): string {
  if (!ASCII.test(text)) throw DECLINE;
  return text;
}

// String methods on a string receiver, with the argument types each is modelled for (a
// missing argument is `undefined`, which each method treats as the spec says for absence).
const STRING_METHODS: Readonly<Record<string, (text: string, a: Value, b: Value) => Value>> = {
  substring: (text, a, b) => text.substring(position(a), position(b)),
  slice: (text, a, b) => text.slice(position(a), position(b)),
  charAt: (text, a) => text.charAt(position(a)),
  indexOf: (text, a, b) => text.indexOf(stringArgument(a), position(b)),
  lastIndexOf: (text, a, b) => text.lastIndexOf(stringArgument(a), position(b)),
  includes: (text, a, b) => text.includes(stringArgument(a), position(b)),
  startsWith: (text, a, b) => text.startsWith(stringArgument(a), position(b)),
  endsWith: (text, a, b) => text.endsWith(stringArgument(a), position(b)),
  toLowerCase: (text) => ascii(text).toLowerCase(),
  toUpperCase: (text) => ascii(text).toUpperCase(),
};
