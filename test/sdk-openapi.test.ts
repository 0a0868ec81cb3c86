// The SDK and the server's OpenAPI document must agree: this test fails when they drift apart.
//
// The SDK lists every route it calls in one table (src/sdk/endpoints.ts: method, path, and the TypeScript types
// of the body, the query and the answer); the client's methods are typed by that table. Here the coordinator is
// built in process, its /openapi.json is read, and the table's types are read with the TypeScript compiler API:
//   (a) routes: every operation of the document has an SDK endpoint (and a client method of the same name that
//       calls it), and every SDK endpoint is an operation, with the same method and path (so the same path
//       parameters);
//   (b) request bodies: the same property names, the same required ones, compatible JSON types (the SDK sends
//       nothing the schema refuses) and enums, recursively; query strings: the same names and required ones;
//   (c) answers: for schemas that declare `properties`, the same property names (an SDK field the schema does not
//       declare is never sent, because fastify serializes by the schema, unless the schema also allows
//       additional properties; then only the SDK's required fields must be declared), schema-required fields
//       required in the SDK, the same JSON types (nullable included) and enums, recursively. Free-form answers
//       (no declared properties) are listed in FREE_FORM with a reason, so a new one is noticed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { ENDPOINTS, type EndpointName } from '../src/sdk/endpoints.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** Operations of the document the SDK does not call, and why. */
const NOT_IN_SDK: Record<string, string> = {
  'GET /metrics': 'Prometheus text exposition, for scrapers',
  'GET /openapi.json': 'the document itself',
};

/**
 * Endpoints whose answer has no declared properties, so (c) cannot check them. Each one is a gap to close: give
 * the route a response schema with properties (the SDK type says what it sends), then remove it here.
 */
const FREE_FORM: Record<string, string> = {
  'GET /programs/{program_id}/artifacts/{kind}': 'binary (wasm, zkey) or the vkey JSON as stored: no JSON schema by design',
  'GET /v1/artifacts/{cid}': 'the artifact\'s bytes (application/octet-stream): no JSON schema by design',
  'POST /v1/accounts/deposit': 'economy routes answer `{type: object, additionalProperties: true}` (SDK: AccountView)',
  'POST /v1/accounts/faucet': 'as deposit (SDK: AccountView)',
  'POST /v1/accounts/withdraw': 'as deposit (SDK: AccountView)',
  'GET /v1/accounts/{address}': 'as deposit (SDK: AccountView)',
  'POST /v1/provers/{prover_id}/stake': 'free-form (SDK: StakeView)',
  'POST /v1/provers/{prover_id}/unstake': 'free-form (SDK: StakeView)',
  'GET /v1/provers/{prover_id}/stake': 'free-form (SDK: StakeView)',
  'POST /v1/requests/{request_id}/cancel': 'free-form (SDK: CancelledRequest)',
  'GET /v1/requests/{request_id}/ledger': 'free-form (SDK: RequestLedger)',
  'POST /v1/provers/{prover_id}/suspend': 'free-form (SDK: SuspensionView)',
  'POST /v1/provers/{prover_id}/reinstate': 'free-form (SDK: SuspensionView)',
  'GET /v1/slashes': 'an array of free-form objects (SDK: Slash)',
  'POST /v1/slashes/{slash_id}/reverse': 'free-form (SDK: Slash)',
  'GET /v1/audit': 'an array of free-form objects (SDK: AuditEntry)',
  'GET /v1/ledger/audit': 'free-form (SDK: LedgerAudit)',
};

/**
 * Drifts found in the server's schemas and not fixed yet, by where they are (as the test reports them), with
 * why they are tolerated. The test fails when one is fixed, so that its entry goes too.
 */
const KNOWN_SCHEMA_GAPS: Record<string, string> = {};

// ── the server's document ───────────────────────────────────────────────────────────────────────────────

interface Schema {
  type?: string;
  nullable?: boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
}
interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

let c: TestCoordinator;
let operations: Map<string, Operation>;

before(async () => {
  c = await testCoordinator();
  await c.app.ready();
  const doc = c.app.swagger() as { paths: Record<string, Record<string, Operation>> };
  operations = new Map();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) operations.set(`${method.toUpperCase()} ${path}`, op);
  }
});
after(async () => {
  await c?.close();
  await terminateCurves();
});

const sdkRoutes = () =>
  new Map((Object.entries(ENDPOINTS) as Array<[EndpointName, (typeof ENDPOINTS)[EndpointName]]>).map(([name, ep]) => [`${ep.method} ${ep.path}`, name]));

// ── the SDK's types, through the compiler ───────────────────────────────────────────────────────────────

interface SdkTypes {
  checker: ts.TypeChecker;
  /** Per endpoint: the answer, the body and the query (`never` when the route takes none). */
  endpoints: Map<string, { response: ts.Type; body: ts.Type; query: ts.Type }>;
}

let sdkTypes: SdkTypes | undefined;
function readSdkTypes(): SdkTypes {
  if (sdkTypes) return sdkTypes;
  const config = ts.getParsedCommandLineOfConfigFile(`${ROOT}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) })!;
  const file = `${ROOT}src/sdk/endpoints.ts`;
  const program = ts.createProgram([file], config.options);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const table = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((s) => s.name === 'ENDPOINTS')!;
  const endpoints = new Map<string, { response: ts.Type; body: ts.Type; query: ts.Type }>();
  for (const entry of checker.getTypeOfSymbol(table).getProperties()) {
    const carried = checker.getNonNullableType(checker.getTypeOfSymbol(checker.getTypeOfSymbol(entry).getProperty('types')!));
    const part = (name: string) => checker.getTypeOfSymbol(carried.getProperty(name)!);
    endpoints.set(entry.name, { response: part('response'), body: part('body'), query: part('query') });
  }
  return (sdkTypes = { checker, endpoints });
}

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
/** The JSON types a TS type allows; `any` for any/unknown. */
function tsKinds(t: ts.Type, checker: ts.TypeChecker): Set<Kind> | 'any' {
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return 'any';
  if (t.isUnion()) {
    const all = new Set<Kind>();
    for (const m of t.types) {
      const k = tsKinds(m, checker);
      if (k === 'any') return 'any';
      for (const x of k) all.add(x);
    }
    return all;
  }
  if (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Never)) return new Set();
  if (t.flags & ts.TypeFlags.StringLike) return new Set(['string']);
  if (t.flags & ts.TypeFlags.NumberLike) return new Set(['number']);
  if (t.flags & ts.TypeFlags.BooleanLike) return new Set(['boolean']);
  if (t.flags & ts.TypeFlags.Null) return new Set(['null']);
  // `string & {}` (a string with autocompletion for known literals) is a string
  if (t.isIntersection() && t.types.some((m) => m.flags & ts.TypeFlags.StringLike)) return new Set(['string']);
  if (checker.isArrayType(t) || checker.isTupleType(t)) return new Set(['array']);
  return new Set(['object']);
}

/** The JSON types a schema allows; `any` when it does not say. */
function schemaKinds(s: Schema): Set<Kind> | 'any' {
  const alts = s.anyOf ?? s.oneOf;
  let kinds: Set<Kind>;
  if (alts) {
    kinds = new Set();
    for (const a of alts) {
      const k = schemaKinds(a);
      if (k === 'any') return 'any';
      for (const x of k) kinds.add(x);
    }
  } else if (s.type === undefined) {
    return 'any';
  } else {
    kinds = new Set([s.type === 'integer' ? 'number' : (s.type as Kind)]);
  }
  if (s.nullable) kinds.add('null');
  return kinds;
}

const show = (k: Set<Kind>) => [...k].sort().join(' | ') || 'nothing';

/** The object member of a schema (itself, or its one object alternative). */
function objectSchema(s: Schema): Schema | undefined {
  if (s.type === 'object') return s;
  const objs = (s.anyOf ?? s.oneOf ?? []).filter((a) => a.type === 'object');
  return objs.length === 1 ? objs[0] : undefined;
}
function arraySchema(s: Schema): Schema | undefined {
  if (s.type === 'array') return s;
  const arrays = (s.anyOf ?? s.oneOf ?? []).filter((a) => a.type === 'array');
  return arrays.length === 1 ? arrays[0] : undefined;
}
/** The members of a TS type that are not null or undefined (a union's, or itself). */
const members = (t: ts.Type) => (t.isUnion() ? t.types : [t]).filter((m) => !(m.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));

interface Problem {
  /** e.g. `GET /v1/requests/{request_id} answer .history[].cause` */
  where: string;
  what: string;
}

type Mode = 'answer' | 'body';

/**
 * Compares a schema with the SDK type for the same JSON value. `answer`: what the server sends (the SDK must
 * expect exactly it); `body`: what the SDK sends (the server must accept it, and the SDK should be able to send
 * all the server takes).
 */
function compare(schema: Schema, type: ts.Type, mode: Mode, where: string, checker: ts.TypeChecker, problems: Problem[]): void {
  const sk = schemaKinds(schema);
  const tk = tsKinds(type, checker);
  if (sk === 'any' || tk === 'any') return;
  if (mode === 'answer') {
    const missing = [...sk].filter((k) => !tk.has(k));
    const extra = [...tk].filter((k) => !sk.has(k));
    if (missing.length || extra.length) problems.push({ where, what: `the server sends ${show(sk)}, the SDK type says ${show(tk)}` });
  } else {
    const refused = [...tk].filter((k) => !sk.has(k));
    if (refused.length) problems.push({ where, what: `the SDK may send ${show(tk)}, the server takes ${show(sk)}` });
  }
  compareEnum(schema, type, mode, where, problems);

  const tsArrays = members(type).filter((m) => checker.isArrayType(m));
  const sa = arraySchema(schema);
  if (sa?.items && tsArrays.length === 1) {
    compare(sa.items, checker.getTypeArguments(tsArrays[0] as ts.TypeReference)[0]!, mode, `${where}[]`, checker, problems);
  }

  const so = objectSchema(schema);
  const tsObjects = members(type).filter((m) => tsKinds(m, checker) !== 'any' && (tsKinds(m, checker) as Set<Kind>).has('object'));
  // free-form on either side (no declared properties, or a TS index signature only), or a TS union of shapes
  if (!so?.properties || tsObjects.length !== 1) return;
  const obj = tsObjects[0]!;
  const tsProps = new Map(checker.getPropertiesOfType(obj).map((p) => [p.name, p]));
  if (tsProps.size === 0) return;
  const declared = so.properties;
  const required = new Set(so.required ?? []);
  const openSchema = so.additionalProperties === true || typeof so.additionalProperties === 'object';
  for (const name of Object.keys(declared)) {
    if (!tsProps.has(name)) problems.push({ where: `${where}.${name}`, what: mode === 'answer' ? 'the server sends it; the SDK type lacks it' : 'the server takes it; the SDK type lacks it' });
  }
  for (const [name, prop] of tsProps) {
    const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
    const at = `${where}.${name}`;
    if (!(name in declared)) {
      if (mode === 'body') problems.push({ where: at, what: `the SDK sends it; the schema does not take it${so.additionalProperties === false ? ' (400 unknown field)' : ''}` });
      else if (!openSchema) problems.push({ where: at, what: 'the SDK type has it; the schema does not declare it, so the server never sends it' });
      else if (!optional) problems.push({ where: at, what: 'the SDK type requires it; the schema does not declare it' });
      continue;
    }
    if (mode === 'answer' && required.has(name) && optional) problems.push({ where: at, what: 'always sent (schema: required); the SDK type makes it optional' });
    if (mode === 'body' && required.has(name) !== !optional) {
      problems.push({ where: at, what: required.has(name) ? 'the schema requires it; the SDK type makes it optional' : 'the schema makes it optional; the SDK type requires it' });
    }
    compare(declared[name]!, checker.getTypeOfSymbol(prop), mode, at, checker, problems);
  }
}

/** String enums against unions of string literals (a plain string on the SDK side is not compared). */
function compareEnum(schema: Schema, type: ts.Type, mode: Mode, where: string, problems: Problem[]): void {
  const enums = [schema, ...(schema.anyOf ?? schema.oneOf ?? [])].flatMap((s) => s.enum ?? []).filter((v): v is string => typeof v === 'string');
  if (!enums.length) return;
  const strings = members(type).filter((m) => m.flags & ts.TypeFlags.StringLike || m.isIntersection());
  if (!strings.length || !strings.every((m) => m.isStringLiteral())) return;
  const literals = new Set(strings.map((m) => (m as ts.StringLiteralType).value));
  const unknownToSdk = enums.filter((v) => !literals.has(v));
  const unknownToServer = [...literals].filter((v) => !enums.includes(v));
  if (mode === 'answer' && unknownToSdk.length) problems.push({ where, what: `the server may send ${unknownToSdk.map((v) => `"${v}"`).join(', ')}, which the SDK type does not list` });
  if (unknownToServer.length && mode === 'body') problems.push({ where, what: `the SDK may send ${unknownToServer.map((v) => `"${v}"`).join(', ')}, which the server refuses` });
}

const jsonSchema = (content: Record<string, { schema?: Schema }> | undefined) => content?.['application/json']?.schema;

/** The answer of an operation: its first 2xx with a JSON schema. */
function answerSchema(op: Operation): Schema | undefined {
  const ok = Object.keys(op.responses ?? {}).filter((s) => /^2\d\d$/.test(s)).sort()[0];
  return ok === undefined ? undefined : jsonSchema(op.responses![ok]!.content);
}

/** Free-form: no schema, or an object (or array of objects) without declared properties. */
function isFreeForm(s: Schema | undefined): boolean {
  if (!s) return true;
  const items = arraySchema(s)?.items;
  if (items) return isFreeForm(items);
  const o = objectSchema(s);
  return o !== undefined && !o.properties;
}

/** Every drift between the SDK table and the document: the test's whole finding. */
function drifts(): { problems: Problem[]; freeForm: Set<string> } {
  const { checker, endpoints } = readSdkTypes();
  const problems: Problem[] = [];
  const freeForm = new Set<string>();
  for (const [route, name] of sdkRoutes()) {
    const op = operations.get(route);
    if (!op) continue; // reported by the routes test
    const types = endpoints.get(name)!;
    const none = (t: ts.Type) => (t.flags & ts.TypeFlags.Never) !== 0;

    // (b) the body
    const body = jsonSchema(op.requestBody?.content);
    if (body && none(types.body)) {
      if ((body.required ?? []).length) problems.push({ where: `${route} body`, what: `the route requires a body (${body.required!.join(', ')}); the SDK sends none` });
    } else if (!body && !none(types.body)) {
      problems.push({ where: `${route} body`, what: 'the SDK sends a body; the route declares none' });
    } else if (body) {
      compare(body, types.body, 'body', `${route} body`, checker, problems);
    }

    // (b) the query string
    const declared = new Map((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.required === true]));
    const sdkQuery = none(types.query) ? [] : checker.getPropertiesOfType(types.query);
    for (const [param, required] of declared) {
      const p = sdkQuery.find((s) => s.name === param);
      if (!p) problems.push({ where: `${route} query ${param}`, what: 'the route takes it; the SDK query type lacks it' });
      else if (required !== ((p.flags & ts.SymbolFlags.Optional) === 0)) problems.push({ where: `${route} query ${param}`, what: required ? 'required by the route; optional in the SDK' : 'optional for the route; required by the SDK' });
    }
    for (const p of sdkQuery) if (!declared.has(p.name)) problems.push({ where: `${route} query ${p.name}`, what: 'the SDK sends it; the route does not take it' });

    // (c) the answer
    const answer = answerSchema(op);
    if (isFreeForm(answer)) freeForm.add(route);
    if (answer) compare(answer, types.response, 'answer', `${route} answer`, checker, problems);
  }
  return { problems, freeForm };
}

// ── the tests ───────────────────────────────────────────────────────────────────────────────────────────

test('(a) every operation of /openapi.json has an SDK endpoint, and every SDK endpoint is an operation', () => {
  const sdk = sdkRoutes();
  const missingInSdk = [...operations.keys()].filter((r) => !sdk.has(r) && !(r in NOT_IN_SDK));
  const missingInServer = [...sdk].filter(([r]) => !operations.has(r)).map(([r, name]) => `${name}: ${r}`);
  assert.deepEqual(missingInSdk, [], 'operations without an SDK endpoint: add them to src/sdk/endpoints.ts and the client (or to NOT_IN_SDK, with why)');
  assert.deepEqual(missingInServer, [], 'SDK endpoints the server does not have (method or path differs)');
  assert.deepEqual(Object.keys(NOT_IN_SDK).filter((r) => !operations.has(r)), [], 'stale NOT_IN_SDK entries');
  assert.equal(sdk.size, Object.keys(ENDPOINTS).length, 'two SDK endpoints share one route');
});

test('(a) each endpoint has a client method of its name that calls it, and each client method calls its own endpoint', () => {
  const source = ts.createSourceFile('client.ts', readFileSync(`${ROOT}src/sdk/client.ts`, 'utf8'), ts.ScriptTarget.Latest, true);
  const calls = new Map<string, string[]>();
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) && node.name?.text === 'ProofMarketClient') {
      for (const m of node.members) {
        if (!ts.isMethodDeclaration(m) || !m.body || !ts.isIdentifier(m.name)) continue;
        const used: string[] = [];
        const find = (n: ts.Node): void => {
          // E.<name>: the endpoint table, imported as E
          if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'E') used.push(n.name.text);
          n.forEachChild(find);
        };
        find(m.body);
        calls.set(m.name.text, [...new Set(used)]);
      }
    }
    node.forEachChild(visit);
  };
  visit(source);
  for (const name of Object.keys(ENDPOINTS)) {
    assert.equal(typeof (ProofMarketClient.prototype as unknown as Record<string, unknown>)[name], 'function', `ProofMarketClient has no method ${name}`);
    assert.deepEqual(calls.get(name), [name], `ProofMarketClient.${name} calls E.${name} (and no other endpoint)`);
  }
  const stray = [...calls].filter(([method, used]) => used.length > 0 && !(method in ENDPOINTS));
  assert.deepEqual(stray, [], 'client methods that call an endpoint but are not named after one');
});

test('(b, c) bodies, queries and answers: the SDK types match the schemas', () => {
  const { problems } = drifts();
  const unexpected = problems.filter((p) => !(p.where in KNOWN_SCHEMA_GAPS));
  assert.deepEqual(unexpected.map((p) => `${p.where}: ${p.what}`), [], 'the SDK types (src/api, src/sdk/endpoints.ts) and the server schemas disagree');
  const fixed = Object.keys(KNOWN_SCHEMA_GAPS).filter((w) => !problems.some((p) => p.where === w));
  assert.deepEqual(fixed, [], 'KNOWN_SCHEMA_GAPS entries that no longer occur: remove them');
});

test('(c) the free-form answers are exactly the listed ones', () => {
  const { freeForm } = drifts();
  assert.deepEqual([...freeForm].filter((r) => !(r in FREE_FORM)), [], 'new routes answer free-form objects: declare their properties (or list them in FREE_FORM, with why)');
  assert.deepEqual(Object.keys(FREE_FORM).filter((r) => !freeForm.has(r)), [], 'FREE_FORM entries that now declare their properties: remove them, so (c) checks them');
});

test('the comparison finds drift: a renamed, a retyped and a missing field', () => {
  const { checker, endpoints } = readSdkTypes();
  const route = 'POST /v1/auctions/{request_id}/reveal';
  const op = operations.get(route)!;
  const body = structuredClone(jsonSchema(op.requestBody!.content)!);
  const found = (schema: Schema, type: ts.Type, mode: Mode) => {
    const problems: Problem[] = [];
    compare(schema, type, mode, mode, checker, problems);
    return problems.map((p) => p.where).sort();
  };
  assert.deepEqual(found(body, endpoints.get('reveal')!.body, 'body'), [], 'the real schema matches');
  body.properties!.salt = body.properties!.nonce!;
  delete body.properties!.nonce;
  body.required = body.required!.map((r) => (r === 'nonce' ? 'salt' : r));
  assert.deepEqual(found(body, endpoints.get('reveal')!.body, 'body'), ['body.nonce', 'body.salt']);

  const answer = structuredClone(answerSchema(operations.get('GET /v1/provers/{prover_id}/reputation')!)!);
  assert.deepEqual(found(answer, endpoints.get('proverReputation')!.response, 'answer'), [], 'the real schema matches');
  answer.properties!.total = { type: 'string' };
  delete answer.properties!.weight;
  answer.properties!.stars = { type: 'number' }; // not nullable any more
  assert.deepEqual(found(answer, endpoints.get('proverReputation')!.response, 'answer'), ['answer.stars', 'answer.total', 'answer.weight']);
});
