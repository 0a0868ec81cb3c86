// Accounts, stake, the ledger and the operator's acts (issue #5). Money is decimal strings.
//
// Most of these answers are still served free-form (`{type: object, additionalProperties: true}`, listed in
// test/sdk-openapi.test.ts's FREE_FORM): their shapes below type the SDK; serving them as the route's
// schema is the way to close each gap.
import { Type, type Static } from '@sinclair/typebox';
import { Address, Amount, FreeForm, Id, Money, Nullable, StringEnum, Timestamp } from './common.ts';
import { ProverStatus } from './provers.ts';
import { TaskStatus } from './tasks.ts';

export const LedgerEntry = Type.Object({
  movement_id: Type.String(),
  kind: Type.String(),
  cause_type: Nullable(Type.String()),
  cause_id: Nullable(Type.String()),
  at: Timestamp(),
  account: Type.String(),
  /** Signed: positive credits the account. */
  amount: Money(),
});
export type LedgerEntry = Static<typeof LedgerEntry>;

export const AccountView = Type.Object({
  address: Type.String(),
  balance: Money(),
  /** Held in escrow by its open requests (`GET /v1/accounts/:address` only). */
  escrow: Type.Optional(Money()),
  /** The provers this address owns, with their stake and earnings. */
  provers: Type.Array(Type.Object({ prover_id: Type.String(), stake: Money(), locked: Money(), unstaking: Money(), earnings: Money() })),
  entries: Type.Array(LedgerEntry),
});
export type AccountView = Static<typeof AccountView>;

export const StakeView = Type.Object({
  prover_id: Type.String(),
  /** Free stake. */
  stake: Money(),
  /** Locked behind assignments. */
  locked: Money(),
  /** On its way out; still slashable. */
  unstaking: Money(),
  earnings: Money(),
  min_stake_to_bid: Money(),
  locks: Type.Array(Type.Object({ lock_id: Type.String(), request_id: Type.String(), amount: Money(), locked_at: Timestamp() })),
  unstakes: Type.Array(
    Type.Object({
      unstake_id: Type.String(),
      amount: Money(),
      requested_at: Timestamp(),
      available_at: Timestamp(),
      state: StringEnum(['pending', 'paid']),
      paid_at: Nullable(Timestamp()),
    }),
  ),
});
export type StakeView = Static<typeof StakeView>;

export const LedgerMovement = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  at: Timestamp(),
  entries: Type.Array(Type.Object({ account: Type.String(), amount: Money() })),
});
export type LedgerMovement = Static<typeof LedgerMovement>;

export const Slash = Type.Object({
  slash_id: Type.String(),
  lock_id: Type.String(),
  task_id: Type.String(),
  prover_id: Type.String(),
  amount: Money(),
  to_requester: Money(),
  burned: Money(),
  at: Timestamp(),
  reversed_at: Nullable(Timestamp()),
  reversed_by: Nullable(Type.String()),
  reversal_reason: Nullable(Type.String()),
});
export type Slash = Static<typeof Slash>;

export const LedgerAudit = Type.Object({
  ok: Type.Boolean(),
  problems: Type.Array(Type.String()),
  total: Money(),
  deposits: Money(),
  withdrawals: Money(),
  accounts: Type.Integer(),
  /** With --chain-rpc: every mirrored chain: account against the contracts' views (src/chain/reconcile.ts). */
  chain: Type.Optional(Type.Object({
    ok: Type.Boolean(),
    block: Type.Union([Type.String(), Type.Null()]),
    accounts_checked: Type.Integer(),
    differences: Type.Array(Type.Object({ account: Type.String(), mirror: Money(), chain: Money() })),
  })),
});
export type LedgerAudit = Static<typeof LedgerAudit>;

/** `POST /v1/requests/:id/cancel` */
export const CancelledRequest = Type.Object({ request_id: Type.String(), status: TaskStatus, ledger: Type.Array(LedgerMovement) });
export type CancelledRequest = Static<typeof CancelledRequest>;

/** `GET /v1/requests/:id/ledger` */
export const RequestLedger = Type.Object({ request_id: Type.String(), movements: Type.Array(LedgerMovement) });
export type RequestLedger = Static<typeof RequestLedger>;

/** `POST /v1/provers/:id/suspend`, `…/reinstate` */
export const SuspensionView = Type.Object({ prover_id: Type.String(), status: ProverStatus, suspended_reason: Nullable(Type.String()) });
export type SuspensionView = Static<typeof SuspensionView>;

/** `GET /v1/audit`: one act of the operator. */
export const AuditEntry = Type.Object({
  id: Type.String(),
  at: Timestamp(),
  actor: Type.String(),
  action: Type.String(),
  target: Type.String(),
  reason: Nullable(Type.String()),
  detail: Type.Unknown(),
});
export type AuditEntry = Static<typeof AuditEntry>;

// ── bodies ──────────────────────────────────────────────────────────────────────────────────────────────

const reason = () => Type.String({ minLength: 3, maxLength: 1000, description: 'Why (kept in the audit log)' });

/** `POST /v1/provers/:id/stake`, `…/unstake` */
export const AmountInput = Type.Object({ amount: Amount() }, { additionalProperties: false });
export type AmountInput = Static<typeof AmountInput>;

/** `POST /v1/accounts/deposit` */
export const DepositInput = Type.Object(
  { amount: Amount(), address: Type.Optional(Address({ description: 'Unsigned calls (--open) only: whose balance' })) },
  { additionalProperties: false },
);
export type DepositInput = Static<typeof DepositInput>;

/** `POST /v1/accounts/faucet` */
export const FaucetInput = Type.Object(
  { amount: Amount(), address: Type.Optional(Id({ description: 'Whose balance (default: the signer)' })) },
  { additionalProperties: false },
);
export type FaucetInput = Static<typeof FaucetInput>;

/** `POST /v1/accounts/withdraw` */
export const WithdrawInput = Type.Object(
  {
    amount: Amount(),
    /** Withdraw this prover's earnings (its owner only). */
    prover_id: Type.Optional(Id({ description: "Withdraw this prover's earnings (its owner only)" })),
    /** Unsigned calls (`--open`) only: whose balance. */
    address: Type.Optional(Id({ description: 'Unsigned calls (--open) only' })),
  },
  { additionalProperties: false },
);
export type WithdrawInput = Static<typeof WithdrawInput>;

/** The operator's acts: suspend, reinstate, reverse a slash. */
export const ReasonInput = Type.Object({ reason: reason() }, { additionalProperties: false });
export type ReasonInput = Static<typeof ReasonInput>;

export const AddressParams = Type.Object({ address: Id() });
export type AddressParams = Static<typeof AddressParams>;
export const SlashIdParams = Type.Object({ slash_id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
export type SlashIdParams = Static<typeof SlashIdParams>;
export const SlashFilter = Type.Object({ prover_id: Type.Optional(Id()) }, { additionalProperties: false });
export type SlashFilter = Static<typeof SlashFilter>;

// the answers, as the routes serve them today
export const AccountAnswer = FreeForm(AccountView);
export const StakeAnswer = FreeForm(StakeView);
export const CancelledAnswer = FreeForm(CancelledRequest);
export const RequestLedgerAnswer = FreeForm(RequestLedger);
export const SuspensionAnswer = FreeForm(SuspensionView);
export const SlashAnswer = FreeForm(Slash);
export const AuditAnswer = FreeForm(AuditEntry);
export const LedgerAuditAnswer = FreeForm(LedgerAudit);
