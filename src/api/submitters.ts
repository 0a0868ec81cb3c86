// Submitters: operator keys a prover's owner lets bid and submit for it (consent, authorize, revoke).
import { Type, type Static } from '@sinclair/typebox';
import { Address, Id, Nullable, StringEnum, Timestamp } from './common.ts';

const address = () => Address({ description: 'An EVM address (EIP-55 checksum or one case)' });

/** A prover's submitter (`/v1/submitters/consent`, `/v1/provers/:id/submitters`). */
export const SubmitterView = Type.Object({
  prover_id: Type.String(),
  /** Lower case. */
  address: Type.String({ description: 'lower case' }),
  /** `active` = consented and authorized: it may act for the prover. */
  state: StringEnum(['consented', 'active', 'revoked'], { description: 'active = consented and authorized: it may act for the prover' }),
  consented_at: Nullable(Timestamp()),
  authorized_at: Nullable(Timestamp()),
  revoked_at: Nullable(Timestamp()),
  /** The address that revoked it: the owner or the submitter. */
  revoked_by: Nullable(Type.String(), { description: 'The address that revoked it: the owner or the submitter' }),
});
export type SubmitterView = Static<typeof SubmitterView>;

export const ConsentInput = Type.Object({ prover_id: Id() }, { additionalProperties: false });
export type ConsentInput = Static<typeof ConsentInput>;
export const AuthorizeSubmitterInput = Type.Object({ address: address() }, { additionalProperties: false });
export type AuthorizeSubmitterInput = Static<typeof AuthorizeSubmitterInput>;
export const SubmitterParams = Type.Object({ prover_id: Id(), address: address() });
export type SubmitterParams = Static<typeof SubmitterParams>;
