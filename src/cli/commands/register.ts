import { ConfigError, parseLevels } from '../../prover/config.ts';
import type { PriceType, RegisterProverRequest } from '../../api/index.ts';
import { intOption, parse } from '../args.ts';
import { usage } from '../errors.ts';
import { amountOption, BACKEND_RE, emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, idOption, money, numberOption, oneOf, openContext } from '../context.ts';

export const help = `proofmarket register — register a prover with the market (POST /provers/register)

Registers the prover's profile: what it proves (backends, privacy levels), how much at once (capacity) and
its price. Registering the same id with the same settings again is harmless; other settings are refused
(409 duplicate_prover_id). To run the prover itself, see proofmarket prover.

Options:
  --id ID                   the prover's id (default: the coordinator makes a UUID)
  --name NAME               a name people see
  --backends LIST           comma-separated backends, e.g. koalabear,babybear (default: groth16,plonk,fflonk)
  --base-price N            the least it asks per proof (per month for subscription), base units (default 0)
  --price-type TYPE         per_proof | subscription | auction (default per_proof)
  --subscription-quota N    subscription provers: proofs per period (default unlimited)
  --reputation STARS        initial reputation 0-5: the market operator only (--key with the operator's key)
  --owner ADDRESS           the market operator only: register the prover for this owner (default: the
                            key's address owns the prover; without a key, in --open mode, nobody does)
  --capacity N              proofs it takes at once (default 1)
  --privacy-levels LEVELS   e.g. 1,2,3 or 1-3 (default: all, 1-255)
  --gpu                     it proves on a GPU

${GLOBAL_HELP}

Example:
  proofmarket register --id my_prover --name "Fast Prover Service" --backends koalabear,babybear`;

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  id: { type: 'string' },
  name: { type: 'string' },
  backends: { type: 'string' },
  'base-price': { type: 'string' },
  'price-type': { type: 'string' },
  'subscription-quota': { type: 'string' },
  reputation: { type: 'string' },
  owner: { type: 'string' },
  capacity: { type: 'string' },
  'privacy-levels': { type: 'string' },
  gpu: { type: 'boolean' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  const body: RegisterProverRequest = {
    prover_id: idOption(v.id, 'id'),
    supported_levels: levels(v['privacy-levels']),
    capacity: intOption(v.capacity, 'capacity', 1, 10_000) ?? 1,
  };
  if (v.name !== undefined) {
    if (v.name.trim() === '' || v.name.length > 120) throw usage('--name must be 1 to 120 characters');
    body.name = v.name;
  }
  if (v.backends !== undefined) {
    const list = v.backends.split(',').map((b) => b.trim());
    const bad = list.find((b) => !BACKEND_RE.test(b));
    if (bad !== undefined) throw usage(`--backends must be comma-separated backend names such as koalabear,babybear, got "${bad}"`);
    body.backends = [...new Set(list)];
  }
  const basePrice = amountOption(v['base-price'], 'base-price');
  if (basePrice !== undefined) body.base_price = basePrice;
  const priceType = oneOf<PriceType>(v['price-type'], 'price-type', ['per_proof', 'subscription', 'auction']);
  if (priceType !== undefined) body.price_type = priceType;
  const quota = intOption(v['subscription-quota'], 'subscription-quota', 1, 100_000_000);
  if (quota !== undefined) {
    if (priceType !== 'subscription') throw usage('--subscription-quota needs --price-type subscription');
    body.subscription_quota = quota;
  }
  // Only the operator may seed a reputation or name an owner; the coordinator checks the signature and says so.
  const reputation = numberOption(v.reputation, 'reputation', 0, 5, 'stars');
  if (reputation !== undefined) body.reputation = reputation;
  if (v.owner !== undefined) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(v.owner)) throw usage(`--owner must be an address (0x and 40 hex digits), got "${v.owner}"`);
    (body as RegisterProverRequest & { owner?: string }).owner = v.owner.toLowerCase();
  }
  if (v.gpu) body.gpu_enabled = true;

  const ctx = await openContext(v);
  await guard(async () => {
    const id = await ctx.client.registerProver(body);
    const profile = await ctx.client.getProver(id);
    emit(ctx, profile, () =>
      ctx.quiet
        ? id
        : `registered prover ${id}\n` +
          `  name ${profile.name ?? '-'} · backends ${profile.backends.join(', ')} · base price ${money(profile.base_price)} (${profile.price_type})` +
          ` · capacity ${profile.capacity} · privacy levels ${levelsText(profile.privacy_levels)}${profile.reputation === null ? '' : ` · reputation ${profile.reputation}`}`,
    );
  });
}

/** Every level (1-255) unless given: a prover that names no levels serves them all, as the prover node does. */
function levels(raw: string | undefined): number[] {
  try {
    const list = raw === undefined ? [] : parseLevels(raw, '--privacy-levels');
    return list.length ? list : Array.from({ length: 255 }, (_, i) => i + 1);
  } catch (err) {
    if (err instanceof ConfigError) throw usage(err.message);
    throw err;
  }
}

/** `[1,2,3,7]` → "1-3,7" */
export function levelsText(levels: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < levels.length; ) {
    let j = i;
    while (j + 1 < levels.length && levels[j + 1] === levels[j]! + 1) j++;
    parts.push(j === i ? String(levels[i]) : `${levels[i]}-${levels[j]}`);
    i = j + 1;
  }
  return parts.join(',') || '-';
}
