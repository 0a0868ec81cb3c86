import { conflict, forbidden, invalid } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { parseAmount } from '../../domain/money.ts';
import { canonicalJson } from '../../proofs/canonical.ts';
import { insertAudit } from '../../store/audit.ts';
import { mayActForProver } from '../../store/auth.ts';
import * as provers from '../../store/provers.ts';
import type { Caller, MarketDeps } from './deps.ts';

export interface RegisterProverParameters {
  prover_id?: string;
  supported_levels: number[];
  capacity: number;
  name?: string;
  backends?: string[];
  gpu_enabled?: boolean;
  proving_speed?: number;
  base_price?: string | number;
  price_type?: provers.PriceType;
  subscription_quota?: number | null;
  reputation?: number;
  [extra: string]: unknown;
}
/** The prover's id. */
export type RegisterProverReturnType = string;
export type RegisterProverErrorCode = 'operator_only' | 'unknown_backend' | 'invalid_amount' | 'duplicate_prover_id' | 'not_owner' | 'signature_missing';

/**
 * Registers a prover with its market profile; the signer owns it. Registering the same id with the identical
 * body again is idempotent (a node restarting) and counts as a heartbeat; a different body is a conflict. Only
 * the market operator may seed a reputation, or register a prover for another owner.
 */
export async function registerProver(deps: MarketDeps, input: RegisterProverParameters, caller: Caller): Promise<RegisterProverReturnType> {
  const proverId = input.prover_id ?? newId();
  if (caller.signer === undefined) deps.access.requireOpen();
  if (input.reputation !== undefined && !deps.access.isOperator(caller)) {
    throw forbidden('operator_only', deps.config.operatorAddress
      ? `only the market operator (${deps.config.operatorAddress}) may seed a reputation: sign the call with its key`
      : 'only the market operator may seed a reputation, and this coordinator has none (start it with --operator ADDRESS)');
  }
  const backends = [...new Set(input.backends ?? deps.backends.list().filter((b) => b.kind === 'snarkjs').map((b) => b.name))];
  for (const b of backends) {
    if (!deps.backends.get(b)) throw invalid('unknown_backend', `unknown backend "${b}"; known: ${deps.backends.list().map((x) => x.name).join(', ')}`);
  }
  const basePrice = parseAmount(input.base_price ?? '0', 'base_price');
  const owner = typeof input.owner === 'string' && deps.access.isOperator(caller) ? input.owner.toLowerCase() : (caller.signer ?? null);
  const registration = { ...input, prover_id: proverId };
  const now = deps.clock.now();
  const seeded = input.reputation ?? null;
  const inserted = await deps.db.transaction(async (tx) => {
    const fresh = await provers.insertProver(tx, {
      prover_id: proverId,
      supported_levels: [...new Set(input.supported_levels)].sort((a, b) => a - b),
      capacity: input.capacity,
      status: 'active',
      current_load: 0,
      registration,
      registered_at: now,
      last_heartbeat_at: now,
      updated_at: now,
      name: input.name ?? null,
      backends,
      gpu_enabled: input.gpu_enabled ?? false,
      base_price: basePrice,
      price_type: input.price_type ?? 'per_proof',
      subscription_quota: input.subscription_quota ?? null,
      proving_speed: input.proving_speed ?? null,
      seeded_reputation: seeded,
      reputation_stars: seeded,
      response_time_ms: null,
      owner,
      suspended_reason: null,
    });
    if (fresh && seeded !== null) await insertAudit(tx, { at: now, actor: caller.signer!, action: 'seed_reputation', target: proverId, reason: null, detail: { stars: seeded } });
    return fresh;
  });
  if (!inserted) await registeredAgain(deps, proverId, registration, caller, now);
  return proverId;
}

/** A registration of an id already taken: the same owner's identical profile (or its submitter) is a heartbeat. */
async function registeredAgain(deps: MarketDeps, proverId: string, registration: Record<string, unknown>, caller: Caller, now: Date): Promise<void> {
  const existing = await provers.getProver(deps.db, proverId);
  if (!existing) throw conflict('duplicate_prover_id', `a prover with id "${proverId}" is already registered`);
  const role = await mayActForProver(deps.db, proverId, caller.signer, deps.config.open);
  if (!role) throw forbidden('not_owner', `prover "${proverId}" is registered by another owner`);
  // A submitter (a node running with an operator key) re-registering is a heartbeat: the profile is the owner's.
  if (role !== 'submitter' && canonicalJson(existing.registration) !== canonicalJson(registration)) {
    throw conflict('duplicate_prover_id', `a prover with id "${proverId}" is already registered with other settings`);
  }
  await provers.recordHeartbeat(deps.db, proverId, now, existing.status === 'offline' ? 'active' : existing.status, null);
}
