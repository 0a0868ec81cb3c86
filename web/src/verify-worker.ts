// The browser's own verifier: snarkjs in a Web Worker, loaded only when the user asks to verify. It gets the
// verification key, the public signals and the proof, and answers Pass or Fail with the reason; it calls nobody.
import * as snarkjs from 'snarkjs';

interface Job {
  system: string;
  vkey: unknown;
  publicSignals: string[];
  proof: unknown;
}

type Verify = (vkey: unknown, publicSignals: string[], proof: unknown) => Promise<boolean>;
const VERIFIERS: Record<string, Verify> = {
  groth16: (k, s, p) => snarkjs.groth16.verify(k as object, s, p as object),
  plonk: (k, s, p) => snarkjs.plonk.verify(k as object, s, p as object),
  fflonk: (k, s, p) => snarkjs.fflonk.verify(k as object, s, p as object),
};

self.onmessage = async (e: MessageEvent<Job>) => {
  const started = performance.now();
  const { system, vkey, publicSignals, proof } = e.data;
  const answer = (pass: boolean, reason: string) => self.postMessage({ pass, reason, ms: Math.round(performance.now() - started) });
  const verify = VERIFIERS[system];
  if (!verify) return answer(false, `the browser verifies groth16, plonk and fflonk proofs, not "${system}"`);
  const vkeySystem = (vkey as { protocol?: string }).protocol;
  if (vkeySystem !== system) return answer(false, `the proof is a ${system} proof, the program's verification key is for ${vkeySystem}`);
  try {
    const ok = await verify(vkey, publicSignals, proof);
    answer(ok, ok ? `the ${system} proof verifies against the program's verification key and the request's ${publicSignals.length} public signal(s)` : `the ${system} verification equation does not hold: this proof is not a proof of these public signals under this verification key`);
  } catch (err) {
    answer(false, `the proof is malformed: ${(err as Error).message ?? String(err)}`);
  }
};
