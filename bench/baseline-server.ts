// The baseline of the API benchmark: a bare node:http server answering a small JSON body, no framework,
// no database. It prints its URL on stderr like `proofmarket serve` does.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const reply = JSON.stringify(body ? { received: JSON.parse(body) as unknown } : { ok: true });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
    res.end(reply);
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.error(`baseline listening on http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
