/** `subcommandOf`: how the launcher tells, before loading the CLI, which command runs (for the writer thread and the code cache). */
import { describe, expect, it } from "vitest";
import { subcommandOf, writesTree } from "../src/command-line.js";

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

describe("writesTree", () => {
  it("is true for assemble, false for its help and for other commands", () => {
    expect(writesTree(["--store", "/srv/grove", "assemble", "web", "bash"])).toBe(true);
    expect(writesTree(["assemble", "--help"])).toBe(false);
    expect(writesTree(["assemble", "-h"])).toBe(false);
    expect(writesTree(["assemble", "web", "--", "--help"])).toBe(true);
    expect(writesTree(["upgrade", "web"])).toBe(false);
    expect(writesTree(["--help"])).toBe(false);
  });
});
