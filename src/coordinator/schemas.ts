import { ID_PATTERN } from '../domain/ids.ts';

/** JSON schemas shared by the routes; they also make up the OpenAPI document at /openapi.json. */
export const id = { type: 'string', pattern: ID_PATTERN, description: 'A UUID or a slug matching ' + ID_PATTERN } as const;
export const timestamp = { type: 'string', format: 'date-time', description: 'RFC 3339' } as const;
export const amount = {
  type: ['integer', 'string'],
  description: 'Integer base units: a decimal string (or, on input, a safe integer)',
} as const;
export const byteArray = {
  type: 'array',
  items: { type: 'integer', minimum: 0, maximum: 255 },
  maxItems: 262_144,
  description: 'Bytes as an array of integers 0-255',
} as const;
export const taskStatus = { type: 'string', enum: ['pending', 'assigned', 'in_progress', 'completed', 'failed'] } as const;
/** The statuses a prover may report about itself. */
export const proverStatus = { type: 'string', enum: ['active', 'busy', 'offline'] } as const;
/** The statuses the market shows: also `suspended`, which only the operator sets. */
export const proverStatusView = { type: 'string', enum: ['active', 'busy', 'offline', 'suspended'] } as const;

export const errorResponse = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

/** The 4xx answers every route may give. */
export const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 413: errorResponse } as const;

export const historyEntry = {
  type: 'object',
  properties: {
    at: timestamp,
    from: { type: ['string', 'null'] },
    to: { type: 'string' },
    cause: { type: 'string' },
    prover_id: { type: ['string', 'null'] },
    detail: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;

export const taskStatusResponse = {
  type: 'object',
  required: ['task_id', 'status', 'assigned_prover', 'created_at', 'updated_at'],
  properties: {
    task_id: { type: 'string' },
    status: taskStatus,
    assigned_prover: { type: ['string', 'null'] },
    created_at: timestamp,
    updated_at: timestamp,
    attempts: { type: 'integer' },
    deadline: timestamp,
    program_id: { type: 'string' },
    history: { type: 'array', items: historyEntry },
  },
} as const;

export const assignedTask = {
  type: 'object',
  required: ['task_id', 'privacy_level', 'circuit_data', 'reward_amount', 'requester', 'priority', 'program_id', 'deadline'],
  properties: {
    task_id: { type: 'string' },
    privacy_level: { type: 'integer' },
    circuit_data: byteArray,
    reward_amount: { type: 'string' },
    requester: { type: 'string' },
    priority: { type: 'integer' },
    program_id: { type: 'string' },
    program_name: { type: 'string' },
    proof_system: { type: 'string' },
    circuit_input: { type: 'object', additionalProperties: true, description: 'The circuit input signals for snarkjs' },
    deadline: timestamp,
    assigned_at: timestamp,
  },
} as const;

export const proverView = {
  type: 'object',
  properties: {
    prover_id: { type: 'string' },
    supported_levels: { type: 'array', items: { type: 'integer' } },
    capacity: { type: 'integer' },
    status: proverStatusView,
    current_load: { type: 'integer' },
    active_tasks: { type: 'integer' },
    registered_at: timestamp,
    last_heartbeat: timestamp,
    name: { type: 'string' },
    backends: { type: 'array', items: { type: 'string' } },
    gpu_enabled: { type: 'boolean' },
    proving_speed: { type: 'number' },
    reward_address: { type: 'string' },
  },
} as const;

export const programView = {
  type: 'object',
  properties: {
    program_id: { type: 'string' },
    name: { type: 'string' },
    proof_system: { type: 'string' },
    input_encoding: { type: 'string' },
    description: { type: 'string' },
    max_input_bytes: { type: ['integer', 'null'] },
    builtin: { type: 'boolean' },
    n_public: { type: 'integer' },
    artifacts: {
      type: 'object',
      properties: {
        wasm: { type: 'object', properties: { sha256: { type: 'string' }, url: { type: 'string' } } },
        zkey: { type: 'object', properties: { sha256: { type: 'string' }, url: { type: 'string' } } },
        vkey: { type: 'object', properties: { sha256: { type: 'string' }, url: { type: 'string' } } },
      },
    },
    created_at: timestamp,
  },
} as const;
