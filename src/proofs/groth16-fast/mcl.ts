// The one place that talks to mcl-wasm: its initialisation, point parsing from snarkjs' JSON, and the
// multi-Miller loop (mcl-wasm's C export `mclBn_millerLoopVec`, which its JS wrapper does not expose).
import mcl from 'mcl-wasm';

export { mcl };

/** The base field modulus p of BN254 (alt_bn128, snarkjs' "bn128"; mcl calls it BN_SNARK1). */
export const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** The scalar field modulus r (the order of G1, G2 and GT). */
export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

let ready: Promise<void> | undefined;

/**
 * Initialises mcl once per thread on the Ethereum/snarkjs curve. mcl's `BN254` is a *different* BN curve;
 * `BN_SNARK1` is alt_bn128. G2 points are checked for the order-r subgroup when they are set (verifyOrderG2),
 * G1 has cofactor 1, so on the curve is enough there.
 */
export function initMcl(): Promise<void> {
  ready ??= (async () => {
    await mcl.init(mcl.BN_SNARK1);
    mcl.verifyOrderG1(true);
    mcl.verifyOrderG2(true);
  })();
  return ready;
}

interface Raw {
  a_: Uint32Array;
}
interface Heap {
  _malloc(n: number): number;
  _free(p: number): void;
  _mclBn_millerLoopVec(gt: number, g1: number, g2: number, n: number): void;
}

/** ∏ millerLoop(ps[i], qs[i]): one shared loop for all pairs (the squarings in Fp12 are done once). */
export function millerLoopVec(ps: mcl.G1[], qs: mcl.G2[]): mcl.GT {
  const n = ps.length;
  if (n !== qs.length || n === 0) throw new Error('millerLoopVec: mismatched or empty vectors');
  const heap = (mcl as unknown as { mod: Heap }).mod;
  const g1 = (ps[0] as unknown as Raw).a_.length * 4;
  const g2 = (qs[0] as unknown as Raw).a_.length * 4;
  const out = new mcl.GT();
  const base = heap._malloc(n * (g1 + g2) + (out as unknown as Raw).a_.length * 4);
  try {
    const qBase = base + n * g1;
    const gtPos = qBase + n * g2;
    for (let i = 0; i < n; i++) {
      ps[i]!.copyToMem(base + i * g1);
      qs[i]!.copyToMem(qBase + i * g2);
    }
    heap._mclBn_millerLoopVec(gtPos, base, qBase, n);
    out.copyFromMem(gtPos);
  } finally {
    heap._free(base);
  }
  return out;
}

const DECIMAL = /^[0-9]{1,78}$/;

/** A canonical field element: a decimal string below p (snarkjs would also take hex, numbers, or values ≥ p). */
export function canonicalFp(v: unknown): string | undefined {
  if (typeof v !== 'string' || !DECIMAL.test(v)) return undefined;
  const x = BigInt(v);
  return x < P ? x.toString() : undefined;
}

/**
 * The shape snarkjs writes for an affine point: `[x, y, "1"]` (G1) or `[[x0, x1], [y0, y1], ["1", "0"]]` (G2,
 * with Fp2 elements as [c0, c1] = c0 + c1·u, the order mcl's Fp2 (a, b) uses too). Anything else (another
 * z, the point at infinity, hex, values ≥ p) is not canonical: `undefined`, and the caller leaves that proof to
 * snarkjs, so that the two never disagree on what a string means.
 */
export function canonicalG1(v: unknown): [string, string] | undefined {
  if (!Array.isArray(v) || v.length !== 3 || v[2] !== '1') return undefined;
  const x = canonicalFp(v[0]);
  const y = canonicalFp(v[1]);
  return x !== undefined && y !== undefined ? [x, y] : undefined;
}

export function canonicalG2(v: unknown): [string, string, string, string] | undefined {
  if (!Array.isArray(v) || v.length !== 3) return undefined;
  const [x, y, z] = v as unknown[];
  if (!Array.isArray(z) || z.length !== 2 || z[0] !== '1' || z[1] !== '0') return undefined;
  if (!Array.isArray(x) || x.length !== 2 || !Array.isArray(y) || y.length !== 2) return undefined;
  const c = [canonicalFp(x[0]), canonicalFp(x[1]), canonicalFp(y[0]), canonicalFp(y[1])];
  return c.every((s) => s !== undefined) ? (c as [string, string, string, string]) : undefined;
}

/** The point, or undefined when it is not on the curve (mcl refuses to set it). */
export function g1From([x, y]: [string, string]): mcl.G1 | undefined {
  const p = new mcl.G1();
  try {
    p.setStr(`1 ${x} ${y}`, 10);
  } catch {
    return undefined;
  }
  return p.isValid() ? p : undefined;
}

/** The point, or undefined when it is not on the twist or not in the order-r subgroup (verifyOrderG2). */
export function g2From(c: [string, string, string, string]): mcl.G2 | undefined {
  const q = new mcl.G2();
  try {
    q.setStr(`1 ${c.join(' ')}`, 10);
  } catch {
    return undefined;
  }
  return q;
}

export function frFrom(v: bigint): mcl.Fr {
  const f = new mcl.Fr();
  f.setStr(v.toString(), 10);
  return f;
}

/** `[x, y, "1"]` in snarkjs' form (affine, decimal). */
export function g1ToJson(p: mcl.G1): string[] {
  const q = mcl.normalize(p);
  return [q.getX().getStr(10), q.getY().getStr(10), '1'];
}

export function g2ToJson(p: mcl.G2): string[][] {
  const q = mcl.normalize(p);
  const [x, y] = [q.getX(), q.getY()];
  return [
    [x.get_a().getStr(10), x.get_b().getStr(10)],
    [y.get_a().getStr(10), y.get_b().getStr(10)],
    ['1', '0'],
  ];
}
