import { readFile } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";

/** How the test server misbehaves for one path. */
export type Fault =
  | { kind: "status"; status: number; times?: number }
  | { kind: "hang"; times?: number }
  | { kind: "stall-body"; times?: number }
  | { kind: "truncate"; times?: number }
  | { kind: "corrupt"; times?: number }
  | { kind: "body"; body: string | Buffer; times?: number };

/** A static file server on 127.0.0.1 with injectable faults and a request log. */
export class TestServer {
  /** Every request path, in order. */
  readonly requests: string[] = [];
  /** Faults by request path (a fault with `times` applies that many times, then the file is served). */
  readonly faults = new Map<string, Fault>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  /** Base URL, e.g. `http://127.0.0.1:12345/`. */
  url = "";

  /** @param root - directory served at `/` */
  constructor(private readonly root: string) {}

  /** Start listening on a free port. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(decodeURIComponent((req.url ?? "/").split("?")[0] as string), res);
    });
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/`;
  }

  /** Stop, dropping hanging connections. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Number of requests for paths ending in `suffix`. */
  count(suffix: string): number {
    return this.requests.filter((p) => p.endsWith(suffix)).length;
  }

  private takeFault(urlPath: string): Fault | undefined {
    for (const [suffix, fault] of this.faults) {
      if (!urlPath.endsWith(suffix)) continue;
      if (fault.times !== undefined) {
        if (fault.times <= 0) continue;
        fault.times--;
      }
      return fault;
    }
    return undefined;
  }

  private async handle(urlPath: string, res: ServerResponse): Promise<void> {
    this.requests.push(urlPath);
    const fault = this.takeFault(urlPath);
    if (fault?.kind === "hang") return; // never answer
    if (fault?.kind === "status") {
      res.writeHead(fault.status, { "content-type": "text/plain" }).end(`error ${fault.status}\n`);
      return;
    }
    let body: Buffer;
    if (fault?.kind === "body") body = Buffer.from(fault.body);
    else {
      try {
        body = await readFile(path.join(this.root, path.normalize(urlPath)));
      } catch {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
        return;
      }
    }
    if (fault?.kind === "corrupt") {
      body = Buffer.from(body);
      body[Math.floor(body.length / 2)] ^= 0xff;
    }
    res.writeHead(200, { "content-length": String(body.length), "content-type": "application/octet-stream" });
    if (fault?.kind === "truncate") {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    if (fault?.kind === "stall-body") {
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      return; // keep the connection open, send nothing more
    }
    res.end(body);
  }
}
