/** Runs one verification in a fresh worker (snarkjs is fetched only now), and ends the worker after. */
export interface Verdict {
  pass: boolean;
  reason: string;
  ms: number;
}

export function verifyInBrowser(job: { system: string; vkey: unknown; publicSignals: string[]; proof: unknown }): Promise<Verdict> {
  const worker = new Worker(__VERIFY_WORKER__, { type: 'module', name: 'proofmarket-verify' });
  return new Promise<Verdict>((resolve) => {
    worker.onmessage = (e: MessageEvent<Verdict>) => resolve(e.data);
    worker.onerror = (e) => resolve({ pass: false, reason: `the verifier could not run: ${e.message}`, ms: 0 });
    worker.postMessage(job);
  }).finally(() => worker.terminate());
}
