// A container without a TTY answers its logs multiplexed: frames of an 8-byte header (stream: 1 stdout,
// 2 stderr; three zero bytes; payload size, big-endian uint32) and the payload. Pure.

/** Splits a multiplexed log buffer into stdout and stderr. A truncated last frame keeps what arrived. */
export function demuxLogs(buf: Buffer): { stdout: Buffer; stderr: Buffer } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const stream = buf[at]!;
    const size = buf.readUInt32BE(at + 4);
    const payload = buf.subarray(at + 8, Math.min(buf.length, at + 8 + size));
    if (stream === 2) err.push(payload);
    else out.push(payload); // 0 (stdin echo) and 1 both count as output
    at += 8 + size;
  }
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}

/** The last `bytes` bytes of `buf` as text, cut on a character boundary (a partial first character is dropped). */
export function tail(buf: Buffer, bytes: number): string {
  if (buf.length <= bytes) return buf.toString('utf8');
  let start = buf.length - bytes;
  while (start < buf.length && (buf[start]! & 0xc0) === 0x80) start++; // skip UTF-8 continuation bytes
  return buf.subarray(start).toString('utf8');
}
