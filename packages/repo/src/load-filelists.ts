import path from "node:path";
import { readBinaryCache, writeBinaryCache } from "./cache/cache-dir.js";
import { decodeFileLists, encodeFileLists } from "./cache/table-codec.js";
import type { FilelistsParse } from "./metadata/filelists-parser.js";
import { type FileLists, FileListsBuilder } from "./model/file-lists.js";
import type { Repository } from "./repository.js";

/**
 * Load the complete file lists of a repository (filelists.xml), once: the result is kept on
 * `repo.filelists` and, with a cache directory, in the parsed-metadata cache next to the packages.
 * A solver calls this only when a file dependency is not satisfied by the files primary lists.
 * A repository whose repomd lists no filelists gets empty lists.
 *
 * @param repo - a loaded repository
 * @returns the file lists, by the repository's package index
 * @throws GroveError naming the repository and URL when filelists.xml is missing, damaged or fails its checksum
 */
export async function loadFilelists(repo: Repository): Promise<FileLists> {
  if (repo.filelists !== undefined) return repo.filelists;
  const cacheFile =
    repo.cacheDir === undefined ? undefined : path.join(repo.cacheDir, `${repo.repomdChecksum}.filelists.bin`);
  if (cacheFile !== undefined) {
    const content = await readBinaryCache(cacheFile, "filelists");
    const cached = content === undefined ? undefined : decodeFileLists(content, repo.count);
    if (cached !== undefined) {
      repo.filelists = cached;
      return cached;
    }
  }
  const record = repo.repomd.records.get("filelists");
  let lists: FileLists;
  if (record === undefined) lists = new FileListsBuilder(repo.count).finish();
  else {
    // Loaded on a cache miss only: the XML parsers are not needed while the parsed cache is valid.
    const [{ parseMetadataFile }, { createFilelistsParser }] = await Promise.all([
      import("./metadata/metadata-file.js"),
      import("./metadata/filelists-parser.js"),
    ]);
    let parse: FilelistsParse | undefined;
    const source = {
      repoId: repo.id,
      baseUrls: repo.baseUrls,
      cacheDir: repo.cacheDir,
      network: repo.network,
      warnings: repo.warnings,
    };
    await parseMetadataFile(source, record, (url) => {
      parse = createFilelistsParser(repo.packages, repo.id, url);
      return parse.parser;
    });
    lists = (parse as FilelistsParse).finish();
  }
  const content = encodeFileLists(lists, { repomd: repo.repomdChecksum });
  lists = decodeFileLists(content, repo.count) ?? lists;
  if (cacheFile !== undefined) await writeBinaryCache(cacheFile, content, repo.id);
  repo.filelists = lists;
  return lists;
}
