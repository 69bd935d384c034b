import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The node:http plumbing shared by the HTTP fakes: listen on 127.0.0.1 (a random port unless given), read whole bodies,
 * park "hung" requests, and tear everything down on close so hung requests never leak.
 */
export interface HttpFakeServer {
  readonly url: string;
  hang(res: ServerResponse): void;
  releaseHung(): void;
  close(): Promise<void>;
}

export type RawHandler = (req: IncomingMessage, rawBody: Buffer, res: ServerResponse) => void;

export async function startHttpFakeServer(handler: RawHandler, options: { port?: number } = {}): Promise<HttpFakeServer> {
  const hung = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hang: (res) => {
      hung.add(res);
      res.on('close', () => hung.delete(res));
    },
    releaseHung: () => {
      for (const res of hung) res.destroy();
      hung.clear();
    },
    close: async () => {
      for (const res of hung) res.destroy();
      hung.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
