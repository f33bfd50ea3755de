/**
 * The error neardup throws for bad input or options. Its message starts with `neardup:` and
 * names the offending value, e.g. `neardup: option "minWords" must be an integer ≥ 1, got 0`.
 *
 * @example
 * ```ts
 * try { compare('a', 'b', { minWords: 0 }); }
 * catch (e) { if (e instanceof NeardupError) console.error(e.message); }
 * ```
 */
export class NeardupError extends Error {
  /** Always `"NeardupError"`. */
  override name = 'NeardupError';
  constructor(message: string) {
    super(`neardup: ${message}`);
  }
}
