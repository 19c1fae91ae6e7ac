// A loopback HTTP proxy in front of a real Vault that can hold reads of one path until a given
// number of them have arrived, then lets them all through at once. Two writers that read a
// secret, change it and write it back then surely read the same version, which makes a race
// between them happen on every run instead of by chance. It also counts the check-and-set
// refusals Vault answered, so a test can see the race was handled rather than avoided.
import http from 'node:http';
import { once } from 'node:events';

export async function startBarrierProxy(vaultAddr) {
  const target = new URL(vaultAddr);
  let barrier = null; // { path, size, waiting: [release functions] }
  let casRefusals = 0;

  const server = http.createServer(async (req, res) => {
    const path = req.url.split('?')[0];
    if (barrier && req.method === 'GET' && path === barrier.path && barrier.waiting.length < barrier.size) {
      const gate = barrier;
      await new Promise((release) => {
        gate.waiting.push(release);
        if (gate.waiting.length === gate.size) gate.waiting.forEach((r) => r());
      });
    }
    const upstream = http.request({
      host: target.hostname, port: target.port, method: req.method, path: req.url,
      headers: { ...req.headers, host: target.host },
    }, (answer) => {
      const chunks = [];
      answer.on('data', (c) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        if (answer.statusCode === 400 && body.includes('check-and-set parameter did not match')) casRefusals++;
        res.writeHead(answer.statusCode, answer.headers);
        res.end(body);
      });
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    addr: `http://127.0.0.1:${server.address().port}`,
    /**
     * Holds the next `size` GETs of `path` (e.g. "/v1/kv/data/x") until all have arrived. If
     * they do not all arrive within `timeoutMs`, the held ones go through anyway (the test
     * then fails on its own assertions instead of hanging).
     */
    hold(path, size, timeoutMs = 10_000) {
      const gate = { path, size, waiting: [] };
      barrier = gate;
      setTimeout(() => {
        gate.size = 0;
        gate.waiting.forEach((r) => r());
      }, timeoutMs).unref();
    },
    casRefusals: () => casRefusals,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
