import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrivacyRoutes } from './config.ts';

test('privacy routes: ranges and single levels map to a program and system', () => {
  assert.deepEqual(parsePrivacyRoutes('1-100:data-commitment/groth16, 101-254:data-commitment/plonk,255:range-proof/fflonk'), [
    { from: 1, to: 100, program: 'data-commitment', system: 'groth16' },
    { from: 101, to: 254, program: 'data-commitment', system: 'plonk' },
    { from: 255, to: 255, program: 'range-proof', system: 'fflonk' },
  ]);
});

test('privacy routes: every level is covered exactly once, with clear errors', () => {
  assert.throws(() => parsePrivacyRoutes('1-100:data-commitment/groth16'), /level 101 is not covered/);
  assert.throws(() => parsePrivacyRoutes('1-255:data-commitment/groth16,5:range-proof/plonk'), /level 5 is covered twice/);
  assert.throws(() => parsePrivacyRoutes('0-255:data-commitment/groth16'), /within 1-255/);
  assert.throws(() => parsePrivacyRoutes('1-255:data-commitment/stark'), /FROM-TO:program\/system/);
  assert.throws(() => parsePrivacyRoutes('9-1:data-commitment/groth16'), /low to high/);
});
