import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as uc from '../usecases/index.ts';
import type { Market } from '../market.ts';
import { programView as programViewOf } from '../views.ts';
import { ArtifactParams, errorResponses as errors, Program, ProgramIdParams, RegisterProgramRequest } from '../../api/index.ts';

export const PROGRAM_UPLOAD_LIMIT = 64 << 20;

export function programRoutes(app: FastifyInstance, market: Market): void {
  app.get('/programs', {
    schema: { summary: 'List programs', tags: ['programs'], response: { 200: Type.Array(Program), ...errors } },
  }, async () => (await uc.listPrograms(market)).map(programViewOf));

  app.get<{ Params: ProgramIdParams }>('/programs/:program_id', {
    schema: { summary: 'Describe a program', tags: ['programs'], params: ProgramIdParams, response: { 200: Program, ...errors } },
  }, async (req) => programViewOf(await uc.getProgram(market, req.params.program_id)));

  app.get<{ Params: ArtifactParams }>('/programs/:program_id/artifacts/:kind', {
    schema: {
      summary: "Download one of a program's artifacts (wasm, zkey: binary; vkey: JSON)",
      description: 'program_id = sha256(sha256(wasm) ‖ sha256(zkey) ‖ sha256(canonical vkey JSON)), hex digests concatenated as text.',
      tags: ['programs'],
      params: ArtifactParams,
    },
  }, async (req, reply) => {
    const bytes = await uc.getProgramArtifact(market, req.params.program_id, req.params.kind);
    reply.header('content-type', req.params.kind === 'vkey' ? 'application/json' : 'application/octet-stream');
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  app.post<{ Body: RegisterProgramRequest }>(
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
        body: RegisterProgramRequest,
        response: { 200: Program, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      const program = await uc.uploadProgram(market, {
        name: b.name,
        proof_system: b.proof_system,
        input_encoding: b.input_encoding,
        description: b.description,
        wasm: Buffer.from(b.wasm, 'base64'),
        zkey: Buffer.from(b.zkey, 'base64'),
        vkey: b.vkey,
      });
      return programViewOf(program);
    },
  );
}
