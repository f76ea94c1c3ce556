/**
 * A small static HTTP server on 127.0.0.1 that serves repository directories to grove and dnf, so both fetch
 * the same files over the same loopback connection, and counts what each of them downloaded.
 * @packageDocumentation
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { GroveError } from "@grove/core";

/** What the server sent since the counters were last reset. */
export interface TrafficCounters {
  /** Successful responses. */
  requests: number;
  /** Body bytes of successful responses. */
  bytes: number;
  /** Responses for `.rpm` files. */
  packages: number;
  /** Body bytes of `.rpm` responses. */
  packageBytes: number;
}

/** A running server; {@link StaticServer.close} stops it. */
export class StaticServer {
  private counters: TrafficCounters = emptyCounters();

  private constructor(
    private readonly server: Server,
    private readonly routes: ReadonlyMap<string, string>,
    /** `http://127.0.0.1:PORT`. */
    readonly origin: string,
  ) {}

  /**
   * Starts serving: route `name` maps `/<name>/...` to files under `routes[name]`.
   * @param routes - route name to directory
   */
  static async start(routes: Record<string, string>): Promise<StaticServer> {
    const table = new Map(Object.entries(routes).map(([name, dir]) => [name, path.resolve(dir)]));
    let instance: StaticServer | undefined;
    const server = createServer((req, res) => {
      instance?.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    instance = new StaticServer(server, table, `http://127.0.0.1:${port}`);
    return instance;
  }

  /**
   * The base URL of a route, with a trailing slash.
   * @throws GroveError `BENCH_UNKNOWN_ROUTE` for a route that was not configured.
   */
  url(route: string): string {
    if (!this.routes.has(route)) throw new GroveError("BENCH_UNKNOWN_ROUTE", `the server has no route "${route}"`);
    return `${this.origin}/${route}/`;
  }

  /** The counters since the last {@link StaticServer.reset}. */
  traffic(): TrafficCounters {
    return { ...this.counters };
  }

  /** Sets the counters to zero. */
  reset(): void {
    this.counters = emptyCounters();
  }

  /** Stops listening and closes idle connections. */
  async close(): Promise<void> {
    this.server.closeIdleConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const file = this.resolve(req.url ?? "/");
    const info = file === undefined ? undefined : await stat(file).catch(() => undefined);
    if (file === undefined || info === undefined || !info.isFile()) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "Content-Length": String(info.size),
      "Content-Type": "application/octet-stream",
      "Last-Modified": info.mtime.toUTCString(),
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    res.on("finish", () => {
      this.counters.requests++;
      this.counters.bytes += info.size;
      if (file.endsWith(".rpm")) {
        this.counters.packages++;
        this.counters.packageBytes += info.size;
      }
    });
    createReadStream(file)
      .on("error", () => res.destroy())
      .pipe(res);
  }

  /** The file a request path names, or undefined outside every route. */
  private resolve(url: string): string | undefined {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(url, "http://x").pathname);
    } catch {
      return undefined;
    }
    const [, route, ...rest] = pathname.split("/");
    const dir = route === undefined ? undefined : this.routes.get(route);
    if (dir === undefined) return undefined;
    const file = path.resolve(dir, rest.join("/"));
    return file.startsWith(`${dir}${path.sep}`) ? file : undefined;
  }
}

function emptyCounters(): TrafficCounters {
  return { requests: 0, bytes: 0, packages: 0, packageBytes: 0 };
}
