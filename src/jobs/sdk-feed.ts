// The provider agent's coordinator, through the SDK: the seed's poll (GET /jobs?status=MATCHED&provider=…),
// POST /jobs/:jobId/start and POST /results. Signed by the client's key when it has one; unsigned (a
// `serve --open` coordinator) each call names the provider, as the seed's agent did.
import type { ProofMarketClient } from '../sdk/client.ts';
import { matchedJobs } from '../sdk/jobs.ts';
import type { JobFeed, JobResultSubmission } from './agent.ts';
import type { ContainerJobSpec } from './executor/types.ts';

/** Longest `reason` the coordinator keeps (the schema's cap). */
const REASON_MAX = 1024;

export class SdkJobFeed implements JobFeed {
  /** `signed`: the client signs its calls (with the provider's key), so no call names the provider. */
  constructor(private readonly client: ProofMarketClient, private readonly provider: string, private readonly signed: boolean) {}

  private get who(): { providerAddr?: string } {
    return this.signed ? {} : { providerAddr: this.provider };
  }

  async matchedJobs(provider: string): Promise<ContainerJobSpec[]> {
    const jobs = await matchedJobs(this.client, provider);
    return jobs.map((j) => ({ jobId: j.jobId, image: j.image, cmd: j.cmd, resources: j.resources, outputs: j.outputs, timeoutSec: j.timeoutSec }));
  }

  async markRunning(jobId: string): Promise<void> {
    await this.client.startJob(jobId, this.who);
  }

  async submitResults(r: JobResultSubmission): Promise<void> {
    await this.client.submitJobResults({
      jobId: r.jobId,
      artifacts: r.artifacts,
      stdoutTail: r.stdoutTail,
      stderrTail: r.stderrTail,
      runtimeSec: r.runtimeSec,
      exitCode: r.exitCode,
      ...(r.failure ? { failure: r.failure } : {}),
      ...(r.reason ? { reason: r.reason.slice(0, REASON_MAX) } : {}),
      ...this.who,
    });
  }
}

/** The images a provider advertises: what the engine holds, each `name:latest` also as `name` (Docker reads a bare name so). */
export function imagesToAdvertise(local: readonly string[]): string[] {
  return [...new Set(local.flatMap((i) => (i.endsWith(':latest') ? [i, i.slice(0, -':latest'.length)] : [i])))];
}
