// The building blocks of the API contract: ids, times, money, bytes, error answers. Every src/api module is
// TypeBox only (no node:, no server code), so the SDK can import its types into a browser bundle.
import { Type, type Static, type TSchema, type SchemaOptions } from '@sinclair/typebox';

/** Ids of tasks, provers and requesters: a UUID or a slug (the same pattern as domain/ids.ts, checked by a test). */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$';
/** A proof system (backend) name (as proofs/backends/registry.ts's BACKEND_NAME_RE, checked by a test). */
export const BACKEND_NAME_PATTERN = '^[a-z0-9][a-z0-9_-]{0,31}$';
export const ADDRESS_PATTERN = '^0x[0-9a-fA-F]{40}$';

export const Id = (opts: SchemaOptions = {}) => Type.String({ pattern: ID_PATTERN, description: 'A UUID or a slug matching ' + ID_PATTERN, ...opts });
export const Timestamp = (opts: SchemaOptions = {}) => Type.String({ format: 'date-time', description: 'RFC 3339', ...opts });
/** An EVM address, 0x + 40 hex digits. */
export const Address = (opts: SchemaOptions = {}) => Type.String({ pattern: ADDRESS_PATTERN, ...opts });

/**
 * A string enum as `{type: string, enum: [...]}` (TypeBox's own Union of Literals would be an `anyOf` of
 * `const`s: slower to validate and serialize, and a different OpenAPI document).
 */
export const StringEnum = <const V extends readonly string[]>(values: V, opts: SchemaOptions = {}) =>
  Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...opts });

/**
 * `schema` or null, as `{type: [t, 'null']}` like the hand-written schemas were (not an `anyOf`, which
 * fast-json-stringify serializes by validating each branch).
 */
export const Nullable = <T extends TSchema>(schema: T, opts: SchemaOptions = {}) =>
  Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type as string, 'null'], ...opts });

/**
 * A JSON object the route serves without declaring its properties (listed as free-form in
 * test/sdk-openapi.test.ts), typed for the SDK by the schema `shape` it follows. Declaring `shape` on the
 * route instead is the way to close such a gap.
 */
export const FreeForm = <T extends TSchema>(_shape: T, opts: SchemaOptions = {}) =>
  Type.Unsafe<Static<T>>({ type: 'object', additionalProperties: true, ...opts });
/** As FreeForm, for `null` or an object. */
export const NullableFreeForm = <T extends TSchema>(_shape: T, opts: SchemaOptions = {}) =>
  Type.Unsafe<Static<T> | null>({ type: ['object', 'null'], additionalProperties: true, ...opts });

/** Any JSON object (`{type: object, additionalProperties: true}`). */
export const AnyObject = (opts: SchemaOptions = {}) => Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, ...opts });

/** Integer base units as a decimal string, e.g. `"1000"`: how /v1 answers money. */
export const Money = (opts: SchemaOptions = {}) => Type.String(opts);
export type Money = string;
/** Money on input: a decimal string, or a safe integer (parsed by domain/money.ts's parseAmount). */
export const Amount = (opts: SchemaOptions = {}) =>
  Type.Unsafe<string | number>({ type: ['integer', 'string'], description: 'Integer base units: a decimal string (or, on input, a safe integer)', ...opts });

export const ByteArray = (opts: SchemaOptions = {}) =>
  Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { maxItems: 262_144, description: 'Bytes as an array of integers 0-255', ...opts });

/**
 * A proving backend's name. The snarkjs ones are built in; external-command backends (e.g. Pico's
 * `koalabear`, `babybear`) are configured at the coordinator, so any name is allowed.
 */
export type ProofSystem = 'groth16' | 'plonk' | 'fflonk' | (string & {});
/** A backend name on input: checked against the pattern. */
export const BackendName = (opts: SchemaOptions = {}) =>
  Type.Unsafe<ProofSystem>({ type: 'string', pattern: BACKEND_NAME_PATTERN, description: 'A proof system (backend) name', ...opts });
/** A backend name as the server answers it. */
export const ProofSystemName = (opts: SchemaOptions = {}) => Type.Unsafe<ProofSystem>({ type: 'string', ...opts });

export const ErrorResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});
export type ErrorResponse = Static<typeof ErrorResponse>;

/** The 4xx answers every route may give. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  413: ErrorResponse,
} as const;

/** What the SDK may pass for a query string: a number where the wire takes a free string (the URL makes it text). */
export type QueryInput<T> = { [K in keyof T]: Widen<T[K]> };
type Widen<V> = V extends string ? (string extends V ? V | number : V) : V;
