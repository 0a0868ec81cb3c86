// Market-wide resources: the backend registry, the order book, subscriptions.
import { Type, type Static } from '@sinclair/typebox';
import { BackendName, Id, Money, Nullable, ProofSystemName, StringEnum } from './common.ts';

/** `GET /v1/backends`: a proof system this coordinator knows. */
export const Backend = Type.Object({
  name: ProofSystemName(),
  kind: StringEnum(['snarkjs', 'external', 'ezkl']),
  installed: Type.Boolean(),
  /** What to install when `installed` is false. */
  install_hint: Nullable(Type.String()),
  description: Type.String(),
});
export type Backend = Static<typeof Backend>;

export const PriceLevel = Type.Object({ price: Money(), quantity: Type.Integer() });
export type PriceLevel = Static<typeof PriceLevel>;

/** `GET /v1/orderbook` query. */
export const OrderBookQuery = Type.Object({ backend: BackendName() }, { additionalProperties: false });
export type OrderBookQuery = Static<typeof OrderBookQuery>;

/** `GET /v1/orderbook?backend=` */
export const OrderBook = Type.Object({
  backend: ProofSystemName(),
  /** Pending requests at their max price, best (highest) first. */
  bids: Type.Array(PriceLevel),
  /** Active provers' base price × free capacity, best (lowest) first. */
  asks: Type.Array(PriceLevel),
  best_bid: Nullable(Money()),
  best_ask: Nullable(Money()),
  spread: Nullable(Money()),
  crossed: Type.Boolean(),
  suggested_price: Nullable(Type.Object({ p50: Money(), p90: Money(), count: Type.Integer() })),
});
export type OrderBook = Static<typeof OrderBook>;

export const SubscriptionPeriod = StringEnum(['monthly', 'annual']);

/** `POST /v1/subscriptions` */
export const SubscribeInput = Type.Object({ requester: Id(), prover_id: Id(), period: SubscriptionPeriod }, { additionalProperties: false });
export type SubscribeInput = Static<typeof SubscribeInput>;

export const SubscriptionIdParams = Type.Object({ subscription_id: Id() });
export type SubscriptionIdParams = Static<typeof SubscriptionIdParams>;

export const Subscription = Type.Object({
  subscription_id: Type.String(),
  requester: Type.String(),
  prover_id: Type.String(),
  period: SubscriptionPeriod,
  fee: Money(),
  /** Proofs per period; `null` = unlimited. */
  quota: Nullable(Type.Integer()),
  used: Type.Integer(),
  starts_at: Type.String(),
  ends_at: Type.String(),
});
export type Subscription = Static<typeof Subscription>;
