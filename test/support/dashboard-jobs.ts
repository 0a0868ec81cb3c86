// Container jobs for the dashboard's browser tests and screenshots, driven through the coordinator's real HTTP
// API: a requester posts and funds a job and matches it to a provider, which starts it and reports its results
// (an artifact stored in the coordinator's artifact store, so the page can link to its CID). No container runs
// here (the dashboard only shows what the API says; src/jobs has the executor and its own tests with dockerd).
import { createHash, randomBytes } from 'node:crypto';
import { ProofMarketClient, privateKeySigner } from '../../src/sdk/index.ts';

export interface PostedJob {
  jobId: string;
  provider: string;
}

/** A new provider key that advertises busybox. */
export async function jobProvider(url: string): Promise<{ client: ProofMarketClient; address: string }> {
  const signer = privateKeySigner(`0x${randomBytes(32).toString('hex')}`);
  const client = new ProofMarketClient({ baseUrl: url, signer });
  await client.advertiseProvider({ images: ['busybox:latest'] });
  return { client, address: signer.address };
}

/** Posts a funded job as `requesterKey`; `until` says how far it goes: funded only, or results reported. */
export async function postJob(url: string, requesterKey: string, until: 'funded' | 'results', text = 'hello from the dashboard test'): Promise<PostedJob> {
  const requester = new ProofMarketClient({ baseUrl: url, signer: privateKeySigner(requesterKey) });
  const { client: provider, address } = await jobProvider(url);
  const { jobId } = await requester.createJob({
    image: 'busybox:latest',
    cmd: ['sh', '-c', `echo "${text}" | tee /out/hello.txt`],
    maxPriceEth: '0.000000000000001', // 1,000 wei
    timeoutSec: 600,
    outputs: [{ path: '/out/hello.txt' }],
    resources: { cpu: 1, ramGB: 0.5 },
  });
  await requester.fundJob(jobId);
  if (until === 'funded') return { jobId, provider: address };
  await requester.matchJob(jobId, address);
  await provider.startJob(jobId);
  const bytes = new TextEncoder().encode(`${text}\n`);
  const { cid } = await provider.putArtifact(bytes);
  await provider.submitJobResults({
    jobId,
    artifacts: [{ path: '/out/hello.txt', sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, localUri: `ipfs://${cid}` }],
    stdoutTail: `${text}\n`,
    stderrTail: '',
    runtimeSec: 0.42,
    exitCode: 0,
  });
  return { jobId, provider: address };
}
