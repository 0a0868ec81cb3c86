// The SDK's text/event-stream parser: the same messages however the bytes are split into chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from '../src/sdk/events.ts';

const STREAM =
  ': proofmarket events\n\n' +
  'id: 1\nevent: request.submitted\ndata: {"id":"1"}\n\n' +
  ': ping\n\n' +
  'id: 2\r\nevent: request.assigned\r\ndata: first\r\ndata: second\r\n\r\n' +
  'id: 3\revent: request.started\rdata:no-space\r\r' +
  'event: overflow\ndata: {"reason":"slow"}\n\n' +
  'id: 9\n\n' + // an id alone moves the cursor but is no message
  'data: plain\n\n';

const EXPECTED = [
  { id: '1', event: 'request.submitted', data: '{"id":"1"}' },
  { id: '2', event: 'request.assigned', data: 'first\nsecond' },
  { id: '3', event: 'request.started', data: 'no-space' },
  { id: '3', event: 'overflow', data: '{"reason":"slow"}' },
  { id: '9', event: 'message', data: 'plain' },
];

test('SseParser: fields, comments, multi-line data and the three line endings, in one chunk or split anywhere', () => {
  assert.deepEqual(new SseParser().push(STREAM), EXPECTED);
  for (const size of [1, 2, 3, 7, 16]) {
    const parser = new SseParser();
    const got = [];
    for (let i = 0; i < STREAM.length; i += size) got.push(...parser.push(STREAM.slice(i, i + size)));
    assert.deepEqual(got, EXPECTED, `chunks of ${size}`);
  }
});

test('SseParser: a message is not complete before its blank line', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('id: 5\nevent: x\ndata: y\n'), []);
  assert.deepEqual(parser.push('\n'), [{ id: '5', event: 'x', data: 'y' }]);
  // a lone \r at the end of a chunk may be half of \r\n: it waits for the next chunk
  assert.deepEqual(parser.push('data: z\r'), []);
  assert.deepEqual(parser.push('\n\r\n'), [{ id: '5', event: 'message', data: 'z' }]);
});
