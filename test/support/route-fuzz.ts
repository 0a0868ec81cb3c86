// A fuzzer for every route in /openapi.json: it generates calls from the routes' own schemas, with valid,
// boundary and hostile values, and checks that each answer is < 500, arrives within the time limit, and (when it
// is a refusal) is the `{error: {code, message}}` shape. Used by test/fuzz-routes.test.ts (2,000 cases) and by
// `npm run bench -- fuzz` (100,000).
import fc from 'fast-check';
import type { Signer } from '../../src/sdk/signer.ts';
import type { TestCoordinator } from './coordinator.ts';
import { INJECT_HOST } from './signing.ts';

type Schema = Record<string, any>;

export interface Operation {
  method: string;
  /** e.g. `/v1/requests/{request_id}` */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: Schema }>;
  body?: Schema;
}

/**
 * Every operation the coordinator publishes, except the event stream: it is long-lived by design (a call to it
 * never ends, so it cannot be timed here; test/events-stream.test.ts covers its bad input).
 */
export async function loadOperations(c: TestCoordinator): Promise<Operation[]> {
  const doc = (await c.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, any>> };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (path === '/v1/events') continue;
    for (const [method, op] of Object.entries(methods)) {
      const params: any[] = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

/** encodeURIComponent, after replacing lone surrogates (which it cannot encode) with U+FFFD. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

const DEEP = '['.repeat(20_000) + ']'.repeat(20_000);

/** Values that break naive code: wrong types, huge and negative numbers, odd unicode, path tricks. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, true, false, 0, -1, -0.5, 1.5, 2 ** 53, 2 ** 64, 1e308, -1e308, '', ' ', '-1', '0', '1e999', 'NaN', '9'.repeat(400),
    '-' + '9'.repeat(80), '0x' + 'f'.repeat(64), 'ü\u0000\ud800🙂\u202e', '../../etc/passwd', '%00', '<script>alert(1)</script>',
    "' OR 1=1 --", 'a'.repeat(70_000), [], {}, [[[[[]]]]], { __proto__: { admin: true } }, { constructor: { prototype: {} } },
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
);

/** A value the schema accepts (mostly: patterns and bounds are honoured, formats are approximated). */
export function fromSchema(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.anything({ maxDepth: 1 });
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((s: Schema) => fromSchema(s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const props: Record<string, Schema> = schema.properties ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) model[k] = fromSchema(s, depth + 1);
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k: string) => k in props) });
    }
    case 'array':
      return fc.array(fromSchema(schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'integer': {
      const min = schema.minimum ?? -(2 ** 31);
      const max = schema.maximum ?? 2 ** 31;
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringFor(schema);
    default:
      return fc.anything({ maxDepth: 1 });
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const maxLength = Math.min(schema.maxLength ?? 64, 64);
  if (typeof schema.pattern === 'string') {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? Infinity));
  }
  if (/base64/i.test(schema.description ?? '')) return fc.base64String({ maxLength: Math.max(4, maxLength - (maxLength % 4)) });
  if (/integer|base units|decimal/i.test(schema.description ?? '')) return fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String);
  return fc.string({ minLength: schema.minLength ?? 0, maxLength });
}

/** A body derived from the schema, then possibly mutated into something hostile. */
function bodyFor(schema: Schema | undefined): fc.Arbitrary<string | undefined> {
  const valid = fromSchema(schema);
  const mutated = fc.tuple(valid, fc.nat(), hostileValue, fc.constantFrom('replace', 'drop', 'add')).map(([v, i, h, how]) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return h;
    const copy: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys.length > 0 ? keys[i % keys.length]! : 'extra';
    if (how === 'drop') delete copy[key];
    else if (how === 'add') copy[`unexpected_${i % 7}`] = h;
    else copy[key] = h;
    return copy;
  });
  return fc.oneof(
    { weight: 4, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: 4, arbitrary: mutated.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? 'undefined') },
    { weight: 1, arbitrary: fc.constantFrom('{"a":', '{"a":1}}', 'not json', '\u0000', DEEP, `{"a":${DEEP}}`, '') },
    // 10 MB: over every body limit, so it must be refused as too large, quickly.
    { weight: 1, arbitrary: fc.constant(undefined).map(() => JSON.stringify({ input: 'A'.repeat(10 * 1024 * 1024) })) },
  );
}

export interface FuzzIds {
  /** Values that name something that exists, so that generated calls reach past the "not found" checks. */
  [pathParam: string]: string[];
}

const pathValue = (name: string, ids: FuzzIds): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: ids[name]?.length ? fc.constantFrom(...ids[name]!) : fc.constant('x') },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/) },
    { weight: 1, arbitrary: hostileValue.map((v) => encode(typeof v === 'string' ? v : JSON.stringify(v) ?? 'x')) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '..', '.', '%2e%2e%2f', 'a%00b', '0x', '-1', 'a'.repeat(5000)) },
  );

export type SignMode = 'none' | 'valid' | 'forged' | 'replayed-wrong-body';

export interface FuzzCall {
  method: string;
  url: string;
  body?: string;
  contentType?: string;
  sign: SignMode;
}

/** One call to one operation: path parameters, query and body from the schemas, with hostile variants. */
export function callFor(op: Operation, ids: FuzzIds): fc.Arbitrary<FuzzCall> {
  const path = fc.tuple(...op.pathParams.map((p) => pathValue(p, ids))).map((values) =>
    op.pathParams.reduce((url, name, i) => url.replace(`{${name}}`, values[i]!), op.path),
  );
  const query = fc.array(
    fc.oneof(
      ...(op.query.length > 0 ? [fc.constantFrom(...op.query).chain((q) => fromSchema(q.schema).map((v) => [q.name, String(v)] as const))] : []),
      fc.tuple(fc.constantFrom(...op.query.map((q) => q.name), 'junk'), hostileValue.map((v) => String(typeof v === 'object' ? JSON.stringify(v) : v))),
    ),
    { maxLength: 3 },
  ).map((pairs) => (pairs.length === 0 ? '' : '?' + pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')));
  const body = op.method === 'GET' || op.method === 'DELETE' ? fc.constant(undefined) : fc.option(bodyFor(op.body), { freq: 12, nil: undefined });
  const contentType = fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/json; charset=latin1');
  const sign = fc.constantFrom<SignMode>('valid', 'valid', 'none', 'forged', 'replayed-wrong-body');
  return fc
    .record({ method: fc.constant(op.method), url: fc.tuple(path, query).map(([p, q]) => p + q), body, contentType, sign })
    // fast-check prints a counterexample through this: bounded, where the raw value may hold a 10 MB body.
    .map((call) => Object.assign(call, { [fc.toStringMethod]: () => describeCall(call) }));
}

export interface FuzzOutcome {
  status: number;
  ms: number;
  /** Why this answer breaks the rules, or undefined when it is fine. */
  problem?: string;
}

/** Sends one call (signed as asked) and judges the answer. */
export async function send(c: TestCoordinator, signer: Signer, call: FuzzCall, limitMs: number): Promise<FuzzOutcome> {
  const headers: Record<string, string> = {};
  if (call.body !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
  if (call.sign !== 'none') {
    const signedBody = call.sign === 'replayed-wrong-body' ? '{"other":1}' : call.body ?? '';
    Object.assign(headers, await signer.sign({ method: call.method, host: INJECT_HOST, path: call.url, body: signedBody }));
    if (call.sign === 'forged') headers['x-pm-signature'] = '0x' + 'ab'.repeat(65);
  }
  const started = performance.now();
  const res = await c.app.inject({ method: call.method as 'GET', url: call.url, headers, payload: call.body });
  const ms = performance.now() - started;
  const status = res.statusCode;
  if (status >= 500) return { status, ms, problem: `${status}: ${res.body.slice(0, 300)}` };
  if (ms > limitMs) return { status, ms, problem: `took ${ms.toFixed(0)} ms` };
  if (status >= 400 && String(res.headers['content-type'] ?? '').startsWith('application/json')) {
    const err = (JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof err?.code !== 'string' || typeof err.message !== 'string') return { status, ms, problem: `refusal without {error:{code,message}}: ${res.body.slice(0, 200)}` };
  }
  return { status, ms };
}

/** Prints a call so that a failure can be replayed by hand. */
export const describeCall = (call: FuzzCall) =>
  `${call.sign} ${call.method} ${call.url.slice(0, 200)} ${call.body === undefined ? '' : `(${call.contentType}) ${call.body.slice(0, 200)}`}`;
