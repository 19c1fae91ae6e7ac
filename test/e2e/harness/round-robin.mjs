// A loopback HTTP load balancer without stickiness: each request goes to the next upstream in turn,
// whatever its headers say (an Mcp-Session-Id included). It counts what each upstream served, so a
// test can see the calls really alternated.
import http from 'node:http';
import { once } from 'node:events';

export async function startRoundRobin(upstreams) {
  const targets = upstreams.map((u) => new URL(u));
  const served = targets.map(() => 0);
  let next = 0;
  const server = http.createServer((req, res) => {
    const i = next;
    next = (next + 1) % targets.length;
    served[i] += 1;
    const target = targets[i];
    const upstream = http.request({
      host: target.hostname, port: target.port, method: req.method, path: req.url,
      headers: { ...req.headers, host: target.host },
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
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
    url: `http://127.0.0.1:${server.address().port}/mcp`,
    served: () => [...served],
    /** The upstream the next request goes to. */
    aim: (i) => { next = i; },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
