// A cross-origin isolated front for the VS Code server, as vscode.dev is with ?vscode-coi: every
// HTTP answer gets Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
// require-corp (and a same-origin resource policy), so the workbench, the web worker extension
// host's iframe and the workers they start are crossOriginIsolated and SharedArrayBuffer exists.
// The server itself sends no such headers for its workbench (code-server 4.100.3). WebSocket
// upgrades (the remote connection) are passed through untouched.
import http from 'node:http';
import net from 'node:net';
import { register } from '../server.mjs';

const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Starts the front on a free port of the server's host; returns the server object to use in its
 * place (the front's url, port and authority). cleanupAll() closes it.
 */
export async function startCoiProxy(server) {
  const proxy = http.createServer((req, res) => {
    const upstream = http.request({ host: server.host, port: server.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, { ...up.headers, ...ISOLATION });
      up.pipe(res);
    });
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${e.message}`);
    });
    req.pipe(upstream);
  });
  proxy.on('upgrade', (req, socket, head) => {
    const up = net.connect(server.port, server.host, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head?.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    const end = () => {
      up.destroy();
      socket.destroy();
    };
    up.on('error', end);
    socket.on('error', end);
  });
  await new Promise((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, server.host, resolve);
  });
  const port = proxy.address().port;
  const close = () => new Promise((resolve) => {
    proxy.closeAllConnections();
    proxy.close(() => resolve());
  });
  // Closed with the rest by cleanupAll() (before the server it fronts: newest first).
  register({ name: `isolating front on port ${port}`, async: close, sync: () => proxy.close() });
  return {
    ...server,
    port,
    url: `http://${server.host}:${port}`,
    authority: `${server.host}:${port}`,
    upstream: server,
  };
}
