/**
 * What the SDK does differently on Node, and how it stays out of browser bundles.
 *
 * The SDK itself is portable: `fetch`, Web Crypto and @noble/hashes, nothing of `node:`. On Node two hot
 * paths get a faster engine, each in its own module that only Node loads:
 * - `node-http.ts`: HTTP through undici's keep-alive Agent (its dispatcher API, not its WHATWG fetch layer);
 * - `node-secp256k1.ts`: signatures on libsecp256k1 (tiny-secp256k1's wasm) instead of noble's pure JS.
 * Both are loaded by `import()` of a specifier held in a variable: bundlers (esbuild, Vite, webpack, Rollup)
 * follow only literal specifiers, so a browser bundle never contains undici or the wasm. Where such a module
 * cannot be found (the SDK bundled into one file and run on Node), the portable path is used.
 */

/** Node itself: Deno and Bun also set `process.versions.node`, but get the portable path. */
export function onNode(): boolean {
  const versions = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process?.versions;
  return typeof versions?.node === 'string' && versions.bun === undefined && versions.deno === undefined;
}

/** The module at `specifier` (relative to this file) on Node; undefined elsewhere, or when it is not there. */
export async function nodeOnly<M>(specifier: string): Promise<M | undefined> {
  if (!onNode()) return undefined;
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as M;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}
