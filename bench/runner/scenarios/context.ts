/**
 * What every scenario gets: the corpus, grove's driver, the loopback server, the reference tools' environment,
 * a scratch directory and the round settings.
 * @packageDocumentation
 */
import type { BenchCorpus } from "../bench-corpus.js";
import type { GroveDriver } from "../grove/driver.js";
import type { StaticServer } from "../static-server.js";

/** The shared state of one benchmark run. */
export interface ScenarioContext {
  /** The packages. */
  corpus: BenchCorpus;
  /** How grove is run. */
  grove: GroveDriver;
  /** Serves `base` (the corpus repository) and `updates`. */
  server: StaticServer;
  /** Scratch directory of this run (grove directories, dnf roots and caches). */
  workDir: string;
  /** Environment for dnf, rpm and ostree. */
  refEnv: NodeJS.ProcessEnv;
  /** Whether the peers can run (dnf --installroot and rpm -i need root). */
  peers: boolean;
  /** Whether ostree is installed. */
  ostree: boolean;
  /** Measured rounds. */
  runs: number;
  /** Unrecorded rounds before them. */
  warmup: number;
  /** Progress output (stderr). */
  log: (line: string) => void;
}
