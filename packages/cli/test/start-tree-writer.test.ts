/** `subcommandOf`: how `main` tells, before loading the CLI, that the command is `assemble` (and starts the writer thread). */
import { describe, expect, it } from "vitest";
import { subcommandOf } from "../src/start-tree-writer.js";

describe("subcommandOf", () => {
  it("finds the command after global options and their values", () => {
    expect(subcommandOf(["assemble", "web", "bash"])).toBe("assemble");
    expect(subcommandOf(["--store", "/srv/grove", "assemble", "web", "bash"])).toBe("assemble");
    expect(subcommandOf(["--store=/srv/grove", "assemble", "web"])).toBe("assemble");
    expect(subcommandOf(["--", "assemble"])).toBe("assemble");
  });

  it("does not take an argument of another command, or a --store value, for the command", () => {
    expect(subcommandOf(["rm", "assemble"])).toBe("rm");
    expect(subcommandOf(["--store", "assemble", "list"])).toBe("list");
    expect(subcommandOf(["--version"])).toBeUndefined();
    expect(subcommandOf([])).toBeUndefined();
  });
});
