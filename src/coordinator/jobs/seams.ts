/**
 * Two seams of the job use cases, each an interface with the implementation this coordinator runs today.
 *
 * - FundingCheck: is the funding transaction a requester names real? Off chain (today) nothing is checked: the
 *   price moves from the requester's ledger balance into the job's escrow, and `txHash` is only recorded. On a
 *   chain, an implementation checks the receipt: successful, sent to the JobEscrow contract, a deposit event for
 *   this job id, from the requester, for at least the price (throw `funding_rejected` otherwise).
 * - ImageAvailability: may this job's image run on this provider (or, unnamed, on any)? Providers advertise the
 *   images they hold (`POST /v1/job-providers`); a provider that advertised must hold the image. A provider that
 *   never advertised is taken on trust, as the seed's providers are (its agent fails the job if it cannot pull).
 */
import { conflict } from '../../domain/errors.ts';
import type { JobRecord } from '../../domain/jobs/job.ts';
import type { Queryable } from '../../store/db.ts';
import { advertisedImages, providerImages, providersWithImage } from '../../store/jobs.ts';

export interface FundingCheck {
  /** True when funding is settled on a chain (`fund --job` without `--tx` then sends the deposit itself). */
  readonly onChain: boolean;
  /** Throws (400 funding_rejected) when `tx` does not fund `job`; off chain, accepts any. */
  verify(job: JobRecord, tx: string | null): Promise<void>;
}

/** Off chain: the ledger escrows the price; the transaction hash is recorded, not checked. */
export const offChainFunding: FundingCheck = {
  onChain: false,
  async verify() {},
};

export interface ImageAvailability {
  /** Throws 409 image_not_found when `image` is not present on `provider` (or, undefined, on any provider). */
  check(q: Queryable, image: string, provider?: string): Promise<void>;
}

/** From what providers advertised (table job_providers). */
export const advertisedImageAvailability: ImageAvailability = {
  async check(q, image, provider) {
    if (provider !== undefined) {
      const images = await providerImages(q, provider);
      if (images === undefined || images.includes(image)) return;
      throw conflict('image_not_found', `${image} is not present on provider ${provider}; it has ${images.length ? images.join(', ') : 'no images'} (import one: proofmarket images import-busybox)`);
    }
    if ((await providersWithImage(q, image)).length > 0) return;
    const known = await advertisedImages(q);
    throw conflict('image_not_found', `${image} is not present on any provider; ${known.length ? `providers have ${known.join(', ')}` : 'no provider advertised any image'} (import one: proofmarket images import-busybox)`);
  },
};

/** What the job use cases need beyond the market's database, clock and access rules. */
export interface JobServices {
  funding: FundingCheck;
  images: ImageAvailability;
}
