import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { DestinationCheck } from './render-network-policy.ts';

/** What the proxy refused, for tests and logs: the destination and why. */
export interface RefusedConnection {
  destination: string;
  reason: string;
}

/**
 * A forward proxy on loopback that renderers are sent through (HTTP_PROXY/HTTPS_PROXY): CONNECT
 * tunnels for https and absolute-URI requests for http. Each destination is resolved here and
 * checked against the render network policy; the connection goes to the checked address (not
 * a second lookup), so DNS rebinding cannot swap it. Hand-written (~100 lines) because no
 * proxy package is among the project's dependencies and this one must refuse by address.
 */
export class EgressProxy {
  readonly refused: RefusedConnection[] = [];
  private server: Server | undefined;
  private starting: Promise<string> | undefined;

  constructor(private readonly check: DestinationCheck) {}

  /** `http://127.0.0.1:<port>`, listening (started on first use; never keeps the process alive). */
  url(): Promise<string> {
    this.starting ??= new Promise<string>((resolve, reject) => {
      const server = createServer((req, res) => void this.forward(req, res));
      server.on(
        'connect',
        (req: IncomingMessage, socket: Socket, head: Buffer) => void this.tunnel(req, socket, head),
      );
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.unref();
        this.server = server;
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      });
    });
    return this.starting;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async allowed(host: string, destination: string): Promise<string | undefined> {
    const verdict = await this.check.check(host);
    if (verdict.ok) return verdict.address;
    this.refused.push({ destination, reason: verdict.reason });
    return undefined;
  }

  private async tunnel(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const target = req.url ?? '';
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    if (!m) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const [, host, port] = m as unknown as [string, string, string];
    const address = await this.allowed(host, target);
    if (!address) {
      socket.end(
        'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nrefused by the render network policy\n',
      );
      return;
    }
    const upstream = connect(Number(port), address, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    socket.on('close', () => upstream.destroy());
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URL expected\n');
      return;
    }
    if (url.protocol !== 'http:') {
      res.writeHead(400).end('only http:// is forwarded; https goes through CONNECT\n');
      return;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const address = await this.allowed(host, url.host);
    if (!address) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('refused by the render network policy\n');
      return;
    }
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: url.host };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = request(
      {
        host: address,
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  }
}
