import type { FfiSymbol, FfiType } from "../core/runtime.ts";

/** An {@linkcode FfiSymbol} whose parameters are known not to be `void`. */
export interface CheckedFfiSymbol {
  /** Parameter types, in order. */
  parameters: Exclude<FfiType, "void">[];
  /** Result type. */
  result: FfiType;
}

/**
 * Checks FFI symbol declarations before they reach the runtime. The core `FfiType` also serves
 * results, so it admits `void`, which neither Deno nor Bun can pass as an argument.
 *
 * @param symbols The declarations, by symbol name.
 * @returns The same declarations as `[name, symbol]` entries with narrowed parameter types.
 * @throws {TypeError} When a parameter is `void`.
 */
export function checkedFfiSymbols(
  symbols: Record<string, FfiSymbol>,
): [string, CheckedFfiSymbol][] {
  return Object.entries(symbols).map(([name, { parameters, result }]) => [name, {
    parameters: parameters.map((type) => {
      if (type === "void") {
        throw new TypeError(`Cannot bind FFI symbol "${name}": "void" is not a parameter type`);
      }
      return type;
    }),
    result,
  }]);
}
