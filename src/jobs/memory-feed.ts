import type { JobFeed, JobResultSubmission } from './agent.ts';
import type { ContainerJobSpec } from './executor/types.ts';

type Status = 'MATCHED' | 'RUNNING' | 'RESULT_SUBMITTED';

/**
 * A JobFeed held in memory: the job lifecycle's provider half (MATCHED → RUNNING → RESULT_SUBMITTED) with the
 * coordinator's refusals (start a job that is not matched to you, submit for a job that is not running). For
 * running the agent in one process, without a coordinator: the tests, and a demo.
 */
export class MemoryJobFeed implements JobFeed {
  private readonly jobs = new Map<string, { spec: ContainerJobSpec; provider: string; status: Status; result?: JobResultSubmission }>();
  readonly calls: string[] = [];

  match(spec: ContainerJobSpec, provider: string): void {
    this.jobs.set(spec.jobId, { spec, provider, status: 'MATCHED' });
  }

  status(jobId: string): Status | undefined {
    return this.jobs.get(jobId)?.status;
  }

  result(jobId: string): JobResultSubmission | undefined {
    return this.jobs.get(jobId)?.result;
  }

  async matchedJobs(provider: string): Promise<ContainerJobSpec[]> {
    this.calls.push(`matchedJobs ${provider}`);
    return [...this.jobs.values()].filter((j) => j.provider === provider && j.status === 'MATCHED').map((j) => j.spec);
  }

  async markRunning(jobId: string): Promise<void> {
    this.calls.push(`markRunning ${jobId}`);
    const job = this.jobs.get(jobId);
    if (job?.status !== 'MATCHED') throw new Error(`job ${jobId} is ${job?.status ?? 'unknown'}, not MATCHED`);
    job.status = 'RUNNING';
  }

  async submitResults(result: JobResultSubmission): Promise<void> {
    this.calls.push(`submitResults ${result.jobId}`);
    const job = this.jobs.get(result.jobId);
    if (job?.status !== 'RUNNING') throw new Error(`job ${result.jobId} is ${job?.status ?? 'unknown'}, not RUNNING`);
    job.status = 'RESULT_SUBMITTED';
    job.result = result;
  }
}
