import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demuxLogs, tail } from './logs.ts';

const frame = (stream: number, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

test('demux: frames go to stdout (1) or stderr (2) in order; a truncated last frame keeps what arrived', () => {
  const buf = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, 'out two\n')]);
  const { stdout, stderr } = demuxLogs(buf);
  assert.equal(stdout.toString(), 'out one\nout two\n');
  assert.equal(stderr.toString(), 'err\n');
  const cut = demuxLogs(Buffer.concat([frame(1, 'a'), frame(2, 'hello')]).subarray(0, 9 + 8 + 3));
  assert.equal(cut.stderr.toString(), 'hel');
  assert.deepEqual(demuxLogs(Buffer.alloc(0)), { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) });
});

test('tail: the last bytes, never half a character', () => {
  assert.equal(tail(Buffer.from('hello'), 10), 'hello');
  assert.equal(tail(Buffer.from('hello'), 3), 'llo');
  assert.equal(tail(Buffer.from('aé'), 1), ''); // é is two bytes: its second byte alone is dropped
  assert.equal(tail(Buffer.from('aéb'), 3), 'éb');
});
