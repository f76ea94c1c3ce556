/**
 * A tiny static HTTP server over loopback for tests: serves directories under URL prefixes and logs
 * every request path, so a test can assert exactly what a client downloaded.
 */
import { createReadStream, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";

/** A running server. */
export interface StaticHttp {
  /** `http://127.0.0.1:PORT` (`https://` when serving TLS). */
  origin: string;
  /** Every request path received, in order (URL-decoded). */
  log: string[];
  /** Paths whose response the client abandoned before the end (e.g. a retried download). */
  aborted: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** A server certificate and its key (PEM), to serve HTTPS. */
export interface StaticTls {
  /** The certificate chain. */
  cert: string;
  /** Its private key. */
  key: string;
}

/**
 * Serves `mounts` (URL prefix without slashes -> directory) on 127.0.0.1 at a free port.
 * `GET /PREFIX/a/b` answers with `DIR/a/b`; anything else is 404.
 * @param mounts - prefixes and directories
 * @param tls - serve HTTPS with this certificate (default: plain HTTP)
 */
export async function serveStatic(mounts: Record<string, string>, tls?: StaticTls): Promise<StaticHttp> {
  const log: string[] = [];
  const aborted: string[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    log.push(urlPath);
    const [, prefix, ...rest] = urlPath.split("/");
    const base = prefix === undefined ? undefined : mounts[prefix];
    const file = base === undefined ? undefined : path.join(base, ...rest);
    if (file === undefined || !file.startsWith(path.resolve(base ?? "/")) || rest.includes("..")) {
      res.writeHead(404).end();
      return;
    }
    let size: number;
    try {
      const info = statSync(file);
      if (!info.isFile()) throw new Error("not a file");
      size = info.size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.on("close", () => {
      if (!res.writableFinished) aborted.push(urlPath);
    });
    res.writeHead(200, { "content-length": size, "content-type": "application/octet-stream" });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  };
  const server: Server = tls === undefined ? createServer(handle) : createHttpsServer(tls, handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}`,
    log,
    aborted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
