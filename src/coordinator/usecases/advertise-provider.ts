import { invalid } from '../../domain/errors.ts';
import { DEFAULT_RESOURCES, type JobResources } from '../../domain/jobs/job.ts';
import { advertiseProvider as store } from '../../store/jobs.ts';
import { jobActor, type JobDeps } from './job-support.ts';
import type { Caller } from './deps.ts';

export interface AdvertiseProviderParameters {
  providerAddr?: string;
  images: string[];
  capacity?: Partial<JobResources>;
}
export interface AdvertiseProviderReturnType {
  provider: string;
  images: string[];
  capacity: JobResources;
}

/**
 * A provider of container capacity says which images it holds locally and what it can run (its agent does at
 * start and when its images change). Matching checks a job's image against it.
 */
export async function advertiseProvider(deps: JobDeps, input: AdvertiseProviderParameters, caller: Caller): Promise<AdvertiseProviderReturnType> {
  const provider = jobActor(deps, caller, input.providerAddr, 'providerAddr');
  if (provider === undefined) throw invalid('invalid_request', 'an unsigned advertisement names its provider: send providerAddr (or sign the call)');
  const images = [...new Set(input.images)].sort();
  const capacity = { ...DEFAULT_RESOURCES, ...input.capacity };
  await store(deps.db, provider, images, capacity, deps.clock.now());
  return { provider, images, capacity };
}
