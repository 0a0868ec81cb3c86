// The demo's container jobs (seed 004), beside the proofs: when a Docker engine answers, a requester posts a few
// jobs, a provider agent (`proofmarket provider`'s code path) runs them in hardened containers, and the requester
// accepts them; when none answers, one line says why they are skipped. Their requester and provider have keys of
// their own, so the proofs' money line is the same either way.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateKey } from '../prover/state-dir.ts';
import { ProofMarketClient } from '../sdk/client.ts';
import { waitForJob } from '../sdk/jobs.ts';

/** What the demo runs: small commands whose outputs anyone can check by hand. */
export const DEMO_JOBS = [
  { cmd: 'echo "Job executed successfully" > /out/output.txt', what: 'the seed\'s job' },
  { cmd: 'seq 1 100000 | sha256sum > /out/sum.txt', what: 'a checksum of 100,000 lines' },
  { cmd: 'wget -q -T 2 -O /out/page http://example.com || echo "no network, as it should be" > /out/network.txt', what: 'a job that tries the network' },
] as const;

const PRICE_ETH = '0.001';

export interface DemoJobs {
  lines: string[];
  stop(): Promise<void>;
}

/**
 * Runs the demo's jobs to ACCEPTED (or says why not) and answers the lines to print. Never throws: a job that
 * goes wrong is a line, not a failed demo.
 */
export async function runDemoJobs(url: string, dataDir: string): Promise<DemoJobs> {
  const { dockerFromEnv, dockerReachable, imagePresent, importBusybox, listLocalImages, BUSYBOX_IMAGE } = await import('../jobs/executor/images.ts');
  const docker = dockerFromEnv();
  const socket = (docker.modem as { socketPath?: string }).socketPath;
  const none = { stop: async () => {} };
  if (!(await dockerReachable(docker))) {
    return { ...none, lines: [`jobs          skipped: no Docker engine answers at ${socket} (start dockerd, or set DOCKER_HOST; see "Running container jobs")`] };
  }
  if (!(await imagePresent(docker, BUSYBOX_IMAGE))) {
    if (!existsSync('/bin/busybox')) return { ...none, lines: [`jobs          skipped: the Docker engine at ${socket} has no busybox image and /bin/busybox is missing (apt-get install busybox-static)`] };
    await importBusybox(docker);
  }
  const { startDockerAgent } = await import('../jobs/agent.ts');
  const { SdkJobFeed, imagesToAdvertise } = await import('../jobs/sdk-feed.ts');
  const { ArtifactStoreSink } = await import('../jobs/store-sink.ts');
  const providerKey = loadOrCreateKey(join(dataDir, 'job-provider-key.json'));
  const requesterKey = loadOrCreateKey(join(dataDir, 'job-requester-key.json'));
  const provider = new ProofMarketClient({ baseUrl: url, signer: providerKey });
  const requester = new ProofMarketClient({ baseUrl: url, signer: requesterKey });
  const providerAddr = providerKey.address.toLowerCase();
  await provider.advertiseProvider({ images: imagesToAdvertise(await listLocalImages(docker)), capacity: { cpu: 1, ramGB: 1, storageGB: 1 } });
  const outputsDir = join(dataDir, 'job-outputs');
  const agent = await startDockerAgent({
    docker, provider: providerAddr, feed: new SdkJobFeed(provider, providerAddr, true), outputsDir, sink: new ArtifactStoreSink(provider, outputsDir), pollIntervalMs: 200, slots: 2, log: () => {},
  });
  const lines = [`jobs          ${DEMO_JOBS.length} container jobs on the Docker engine at ${socket}, run by provider ${providerAddr} (busybox, no network, read-only root)`];
  try {
    await requester.deposit((10n ** 15n * BigInt(DEMO_JOBS.length)).toString()); // 0.001 ether each
    for (const job of DEMO_JOBS) lines.push(await runOne(requester, providerAddr, job));
  } catch (err) {
    lines.push(`jobs          stopped: ${(err as Error).message.split('\n')[0]}`);
  }
  return { lines, stop: () => agent.stop() };
}

async function runOne(requester: ProofMarketClient, provider: string, job: (typeof DEMO_JOBS)[number]): Promise<string> {
  const started = Date.now();
  const { jobId } = await requester.createJob({ image: 'busybox', cmd: job.cmd, maxPriceEth: PRICE_ETH, timeoutSec: 60, resources: { cpu: 0.5, ramGB: 0.125, storageGB: 0.01 } });
  await requester.fundJob(jobId);
  await requester.matchJob(jobId, provider);
  const done = await waitForJob(requester, jobId, { statuses: new Set(['RESULT_SUBMITTED', 'FAILED', 'CANCELED']), signal: AbortSignal.timeout(90_000) });
  const outputs = (done.result?.artifacts ?? []).map((a) => `${a.path} sha256 ${a.sha256.slice(0, 12)}…`).join(', ') || 'no outputs';
  if (done.status !== 'RESULT_SUBMITTED') return `job           ${jobId.slice(0, 10)}… ${job.what}: ${done.status} (${done.result?.reason ?? done.failure ?? ''})`;
  const accepted = await requester.acceptJob(jobId);
  return `job           ${jobId.slice(0, 10)}… ${job.what}: ${accepted.status} in ${((Date.now() - started) / 1000).toFixed(1)} s, paid ${accepted.paidEth} ETH; ${outputs}`;
}
