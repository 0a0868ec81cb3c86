import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advertisedLevels, ConfigError, DEFAULT_CONFIG, envName, flagName, parseLevels, proverConfig, resolveConfig } from './config.ts';

const ADDR = '0x52908400098527886E0F7030069857D2E4169EE7';
const fails = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof ConfigError && pattern.test(e.message) && !e.message.includes('\n'));

test('defaults match the documented table', () => {
  const c = resolveConfig({});
  assert.deepEqual(c, DEFAULT_CONFIG);
  assert.equal(c.node_id, undefined);
  assert.equal(c.state_dir, './.proofmarket/prover');
  assert.equal(c.gpu_enabled, false);
  assert.equal(c.max_concurrent_proofs, 1);
  assert.deepEqual(c.supported_privacy_levels, []);
  assert.equal(c.coordinator_url, 'http://127.0.0.1:8080');
  assert.equal(c.reward_address, undefined);
  assert.equal(c.faulty_rate, 0);
});

test('names: kebab-case flags and PROOFMARKET_ variables', () => {
  assert.equal(flagName('max_concurrent_proofs'), '--max-concurrent-proofs');
  assert.equal(envName('supported_privacy_levels'), 'PROOFMARKET_SUPPORTED_PRIVACY_LEVELS');
  assert.equal(envName('node_id'), 'PROOFMARKET_NODE_ID');
});

test('precedence: flag > env > file > default, key by key', () => {
  const c = resolveConfig({
    flags: { max_concurrent_proofs: '4' },
    env: { PROOFMARKET_MAX_CONCURRENT_PROOFS: '3', PROOFMARKET_COORDINATOR_URL: 'http://env:1', PROOFMARKET_FAULTY_RATE: '0.25' },
    file: { max_concurrent_proofs: 2, coordinator_url: 'http://file:2', reward_address: ADDR, gpu_enabled: false, supported_privacy_levels: [3, 1, 2, 3] },
  });
  assert.equal(c.max_concurrent_proofs, 4);
  assert.equal(c.coordinator_url, 'http://env:1');
  assert.equal(c.faulty_rate, 0.25);
  assert.equal(c.reward_address, ADDR);
  assert.deepEqual(c.supported_privacy_levels, [1, 2, 3]);
  assert.equal(c.heartbeat_interval, 5);
});

test('an empty environment variable does not override the file', () => {
  const c = resolveConfig({ env: { PROOFMARKET_NAME: '' }, file: { name: 'from-file' } });
  assert.equal(c.name, 'from-file');
});

test('booleans from flags, env and file; a flag false overrides an env true', () => {
  assert.equal(resolveConfig({ flags: { gpu_enabled: true } }).gpu_enabled, true);
  assert.equal(resolveConfig({ env: { PROOFMARKET_GPU_ENABLED: 'yes' } }).gpu_enabled, true);
  assert.equal(resolveConfig({ env: { PROOFMARKET_GPU_ENABLED: '0' } }).gpu_enabled, false);
  assert.equal(resolveConfig({ flags: { gpu_enabled: false }, env: { PROOFMARKET_GPU_ENABLED: 'true' } }).gpu_enabled, false);
  fails(() => resolveConfig({ env: { PROOFMARKET_GPU_ENABLED: 'maybe' } }), /^PROOFMARKET_GPU_ENABLED must be true or false, got "maybe"$/);
  fails(() => resolveConfig({ file: { gpu_enabled: 'true' } }), /gpu_enabled in the config file must be true or false/);
});

test('privacy levels: lists, ranges, all; out of 1-255 is refused', () => {
  assert.deepEqual(parseLevels('1,2,3', 'x'), [1, 2, 3]);
  assert.deepEqual(parseLevels(' 5 , 1-3 ,2', 'x'), [1, 2, 3, 5]);
  assert.deepEqual(parseLevels('all', 'x'), []);
  assert.deepEqual(parseLevels('', 'x'), []);
  assert.deepEqual(parseLevels([255, 1], 'x'), [1, 255]);
  assert.equal(parseLevels('1-255', 'x').length, 255);
  fails(() => resolveConfig({ flags: { supported_privacy_levels: '0,1' } }), /^--supported-privacy-levels must be privacy levels from 1 to 255.*"0"/);
  fails(() => resolveConfig({ flags: { supported_privacy_levels: '256' } }), /256/);
  fails(() => resolveConfig({ flags: { supported_privacy_levels: '1,x' } }), /"x"/);
  fails(() => resolveConfig({ flags: { supported_privacy_levels: '5-3' } }), /range 5-3 is empty/);
  fails(() => resolveConfig({ flags: { supported_privacy_levels: '1-300' } }), /1-300/);
  fails(() => resolveConfig({ file: { supported_privacy_levels: [1, 2.5] } }), /2\.5/);
  fails(() => resolveConfig({ file: { supported_privacy_levels: 3 } }), /supported_privacy_levels in the config file/);
});

test('advertised levels: the configured ones, or all of 1..255', () => {
  assert.deepEqual(advertisedLevels({ supported_privacy_levels: [2, 7] }), [2, 7]);
  const all = advertisedLevels({ supported_privacy_levels: [] });
  assert.equal(all.length, 255);
  assert.equal(all[0], 1);
  assert.equal(all[254], 255);
});

test('reward_address must be an EVM address', () => {
  assert.equal(resolveConfig({ flags: { reward_address: ADDR } }).reward_address, ADDR);
  for (const bad of ['0x12', ADDR.slice(2), `${ADDR}0`, '0xZZ08400098527886E0F7030069857D2E4169EE7']) {
    fails(() => resolveConfig({ flags: { reward_address: bad } }), /^--reward-address must be an EVM address \(0x followed by 40 hex digits\)/);
  }
  fails(() => resolveConfig({ env: { PROOFMARKET_REWARD_ADDRESS: 'nope' } }), /^PROOFMARKET_REWARD_ADDRESS must be an EVM address/);
});

test('integers, rates, URLs and ids are checked', () => {
  fails(() => resolveConfig({ flags: { max_concurrent_proofs: '0' } }), /^--max-concurrent-proofs must be an integer from 1 to 256, got "0"$/);
  fails(() => resolveConfig({ flags: { max_concurrent_proofs: '1.5' } }), /integer/);
  fails(() => resolveConfig({ flags: { max_concurrent_proofs: 'two' } }), /integer/);
  fails(() => resolveConfig({ file: { max_concurrent_proofs: '2' } }), /max_concurrent_proofs in the config file must be an integer/);
  fails(() => resolveConfig({ flags: { faulty_rate: '1.5' } }), /^--faulty-rate must be a number from 0 to 1/);
  fails(() => resolveConfig({ flags: { faulty_rate: '-0.1' } }), /faulty-rate/);
  assert.equal(resolveConfig({ flags: { faulty_rate: '1' } }).faulty_rate, 1);
  fails(() => resolveConfig({ flags: { coordinator_url: 'ftp://x' } }), /^--coordinator-url must be an http\(s\) URL/);
  fails(() => resolveConfig({ flags: { coordinator_url: 'localhost:8080' } }), /URL/);
  assert.equal(resolveConfig({ flags: { coordinator_url: 'http://h:1/' } }).coordinator_url, 'http://h:1');
  fails(() => resolveConfig({ flags: { node_id: 'has space' } }), /^--node-id must be a UUID or a slug/);
  fails(() => resolveConfig({ flags: { heartbeat_interval: '0' } }), /^--heartbeat-interval must be a number above 0/);
  assert.equal(resolveConfig({ flags: { heartbeat_interval: '0.5' } }).heartbeat_interval, 0.5);
});

test('the file must be an object of known options', () => {
  fails(() => resolveConfig({ file: [], fileName: 'p.json' }), /^p\.json must hold a JSON object of options$/);
  fails(() => resolveConfig({ file: { max_concurent_proofs: 2 }, fileName: 'p.json' }), /^unknown option "max_concurent_proofs" in p\.json/);
});

test('programmatic configs are validated the same way', () => {
  assert.equal(proverConfig({ max_concurrent_proofs: 2, node_id: undefined }).max_concurrent_proofs, 2);
  fails(() => proverConfig({ supported_privacy_levels: [0] }), /supported_privacy_levels in the prover config/);
});

test('bidding options: defaults, money, price type and per-backend pricing', () => {
  const d = resolveConfig({});
  assert.equal(d.bidding, true);
  assert.equal(d.cost_per_second, '100');
  assert.equal(d.margin, 0.2);
  assert.equal(d.base_price, '0');
  assert.equal(d.price_type, 'per_proof');
  assert.equal(d.backend_pricing, undefined);
  assert.equal(d.bid_interval, 0.25);

  const c = resolveConfig({
    flags: { bidding: 'off', cost_per_second: ' 0250 ', price_type: 'auction' },
    env: { PROOFMARKET_MARGIN: '0.5', PROOFMARKET_BACKEND_PRICING: '{"plonk":{"margin":1,"cost_per_second":"300","target_price":900,"seconds_per_proof":0.7}}' },
    file: { base_price: 1000, bid_interval: 0.5 },
  });
  assert.equal(c.bidding, false);
  assert.equal(c.cost_per_second, '250');
  assert.equal(c.margin, 0.5);
  assert.equal(c.base_price, '1000');
  assert.equal(c.price_type, 'auction');
  assert.deepEqual(c.backend_pricing, { plonk: { margin: 1, cost_per_second: '300', target_price: '900', seconds_per_proof: 0.7 } });
  assert.equal(c.bid_interval, 0.5);
  assert.deepEqual(resolveConfig({ file: { backend_pricing: { groth16: {} } } }).backend_pricing, { groth16: {} });

  fails(() => resolveConfig({ flags: { cost_per_second: '-1' } }), /^--cost-per-second must be an amount of base units/);
  fails(() => resolveConfig({ flags: { cost_per_second: '1.5' } }), /cost-per-second/);
  fails(() => resolveConfig({ file: { base_price: 1.5 } }), /^base_price in the config file must be an amount of base units/);
  fails(() => resolveConfig({ flags: { margin: '-0.1' } }), /^--margin must be a number from 0 to 100/);
  fails(() => resolveConfig({ flags: { price_type: 'free' } }), /^--price-type must be one of per_proof, subscription, auction, got "free"$/);
  fails(() => resolveConfig({ flags: { bid_interval: '0.1' } }), /^--bid-interval must be a number from 0.25 to 60/);
  fails(() => resolveConfig({ flags: { backend_pricing: '{nope' } }), /^--backend-pricing must be a JSON object.*is not JSON/);
  fails(() => resolveConfig({ file: { backend_pricing: '{}' } }), /backend_pricing in the config file must be a JSON object/);
  fails(() => resolveConfig({ file: { backend_pricing: { plonk: { margn: 1 } } } }), /plonk: unknown key "margn"/);
  fails(() => resolveConfig({ file: { backend_pricing: { plonk: { cost_per_second: -5 } } } }), /plonk\.cost_per_second must be base units/);
  fails(() => resolveConfig({ file: { backend_pricing: { plonk: { seconds_per_proof: 0 } } } }), /plonk\.seconds_per_proof must be a number above 0/);
  fails(() => resolveConfig({ file: { backend_pricing: { 'Bad Name': {} } } }), /"Bad Name" is not a backend name/);
  assert.equal(proverConfig({ cost_per_second: '7', bidding: false }).cost_per_second, '7');
});
