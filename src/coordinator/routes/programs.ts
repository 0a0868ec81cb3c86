import type { FastifyInstance } from 'fastify';
import { invalid } from '../../domain/errors.ts';
import { artifactHashes, encodingOf, INPUT_ENCODINGS, validateArtifacts, withBackend } from '../../proofs/programs.ts';
import { BACKEND_NAME_RE } from '../../proofs/backends/registry.ts';
import { getProgram, insertProgram, listPrograms, type ArtifactKind } from '../../store/programs.ts';
import type { Market } from '../market.ts';
import { programView as programViewOf } from '../views.ts';
import { errors, programView } from '../schemas.ts';

const programIdParams = { type: 'object', required: ['program_id'], properties: { program_id: { type: 'string', pattern: '^[0-9a-f]{64}$' } } } as const;
const base64 = { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' } as const;

export const PROGRAM_UPLOAD_LIMIT = 64 << 20;

export function programRoutes(app: FastifyInstance, market: Market): void {
  app.get('/programs', {
    schema: { summary: 'List programs', tags: ['programs'], response: { 200: { type: 'array', items: programView }, ...errors } },
  }, async () => (await listPrograms(market.db)).map(programViewOf));

  app.get<{ Params: { program_id: string } }>('/programs/:program_id', {
    schema: { summary: 'Describe a program', tags: ['programs'], params: programIdParams, response: { 200: programView, ...errors } },
  }, async (req) => programViewOf(await market.programs.get(req.params.program_id)));

  app.get<{ Params: { program_id: string; kind: ArtifactKind } }>('/programs/:program_id/artifacts/:kind', {
    schema: {
      summary: "Download one of a program's artifacts (wasm, zkey: binary; vkey: JSON)",
      description: 'program_id = sha256(sha256(wasm) ‖ sha256(zkey) ‖ sha256(canonical vkey JSON)), hex digests concatenated as text.',
      tags: ['programs'],
      params: {
        type: 'object',
        required: ['program_id', 'kind'],
        properties: { ...programIdParams.properties, kind: { type: 'string', enum: ['wasm', 'zkey', 'vkey'] } },
      },
    },
  }, async (req, reply) => {
    const bytes = await market.programs.artifact(req.params.program_id, req.params.kind);
    reply.header('content-type', req.params.kind === 'vkey' ? 'application/json' : 'application/octet-stream');
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  app.post<{ Body: { name: string; proof_system: string; input_encoding?: string; description?: string; wasm: string; zkey: string; vkey: object } }>(
    '/programs',
    {
      bodyLimit: PROGRAM_UPLOAD_LIMIT,
      schema: {
        summary: 'Register a program (circuit) with its artifacts',
        description:
          'wasm and zkey are base64; vkey is the snarkjs verification key JSON, checked against the zkey. Idempotent: the same artifacts give the same program_id. ' +
          'proof_system may also name an external backend (GET /v1/backends) whose verifier this coordinator has installed: its artifacts are the backend\'s own files ' +
          '(wasm: the program, e.g. a circuit or an ELF; zkey: a proving key, may be empty; vkey: a JSON object), not inspected unless the backend declares snarkjs artifacts; ' +
          'the stored vkey gets "backend": "<proof_system>", so the program id binds the backend. Unknown backend: 400 unknown_backend; verifier not installed: 400 backend_not_installed.',
        tags: ['programs'],
        body: {
          type: 'object',
          required: ['name', 'proof_system', 'wasm', 'zkey', 'vkey'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
            proof_system: { type: 'string', pattern: BACKEND_NAME_RE.source },
            input_encoding: { type: 'string', enum: Object.keys(INPUT_ENCODINGS), default: 'json' },
            description: { type: 'string', maxLength: 2000 },
            wasm: base64,
            zkey: base64,
            vkey: { type: 'object' },
          },
        },
        response: { 200: programView, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      const backends = market.verifier.backends;
      // A program nobody here can verify would only collect proofs that all fail.
      backends.requireVerifier(b.proof_system);
      const artifacts = { wasm: Buffer.from(b.wasm, 'base64'), zkey: Buffer.from(b.zkey, 'base64'), vkey: withBackend(b.proof_system, b.vkey) };
      if (backends.isSnarkjs(b.proof_system) && (artifacts.wasm.length === 0 || artifacts.zkey.length === 0)) {
        throw invalid('invalid_artifact', 'wasm and zkey must not be empty');
      }
      await validateArtifacts(b.proof_system, artifacts, backends);
      const hashes = artifactHashes(artifacts);
      const encoding = b.input_encoding ?? 'json';
      await insertProgram(market.db, {
        ...artifacts,
        ...hashes,
        name: b.name,
        proof_system: b.proof_system,
        input_encoding: encoding,
        description: b.description ?? '',
        max_input_bytes: encodingOf(encoding).maxBytes,
        builtin: false,
        created_at: market.clock.now(),
      });
      return programViewOf((await getProgram(market.db, hashes.program_id))!);
    },
  );
}
