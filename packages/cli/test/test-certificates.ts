/**
 * Test helpers: a certificate authority of the test's own and a server certificate it issued for 127.0.0.1 and
 * localhost, made with the `openssl` command.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** What {@link makeTestCertificates} made. */
export interface TestCertificates {
  /** The authority's certificate (PEM file): what NODE_EXTRA_CA_CERTS names. */
  caFile: string;
  /** The server's certificate (PEM). */
  cert: string;
  /** The server's private key (PEM). */
  key: string;
}

/** Why certificates cannot be made here (no `openssl`), or `undefined`. */
export function opensslUnavailable(): string | undefined {
  return spawnSync("openssl", ["version"]).status === 0 ? undefined : "openssl not installed";
}

/**
 * Makes an authority and a server certificate (P-256 keys, valid for two days) in `dir`.
 * @param dir - an existing directory
 */
export function makeTestCertificates(dir: string): TestCertificates {
  const file = (name: string) => path.join(dir, name);
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(["req", "-x509", ...key, "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "2"]);
  openssl(["req", ...key, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=localhost"]);
  writeFileSync(file("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  openssl([
    "x509",
    "-req",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-out",
    file("server.pem"),
    "-days",
    "2",
    "-extfile",
    file("server.ext"),
  ]);
  return {
    caFile: file("ca.pem"),
    cert: readFileSync(file("server.pem"), "utf8"),
    key: readFileSync(file("server.key"), "utf8"),
  };
}

function openssl(args: string[]): void {
  const subject = args[0] === "req" && args[1] === "-x509" ? ["-subj", "/CN=grove test authority"] : [];
  const run = spawnSync("openssl", [...args, ...subject], { encoding: "utf8" });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`openssl ${args.join(" ")} failed (${run.status}): ${run.stderr}`);
}
