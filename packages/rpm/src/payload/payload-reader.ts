import { GroveError } from "@grove/core";
import { decodeHeaderString } from "../header/decode-string.js";
import type { ByteReader } from "../io/byte-reader.js";
import type { RpmFile, RpmPackage } from "../types.js";
import { openArchiveStream } from "./archive-stream.js";
import { readCpioHeader } from "./cpio/cpio-header.js";
import { createDigest } from "./digests.js";
import { FileContent } from "./file-content.js";
import { FileType, isGhost, PayloadFileTable, S_IFMT } from "./file-table.js";
import { type PayloadLimits, payloadSizeLimit } from "./limits.js";
import { HardLinkTracker } from "./link-sets.js";
import { type CpioMemberHeader, memberDataSize, resolveMember } from "./member-resolver.js";
import type { ExpectedPayloadDigests } from "./payload-digests.js";
import type { PayloadEntry, PayloadStats } from "./payload-entry.js";

/** What the payload reader needs from the package headers (a subset of the header reader's `PackageHeaders`). */
export interface PayloadHeaderFacts extends ExpectedPayloadDigests {
  /** The package: its files, payload compressor/format and NEVRA. */
  pkg: RpmPackage;
  /** Uncompressed payload size from the headers, when known. */
  payloadSize?: number;
}

/** Options of {@link readPayloadEntries}. */
export interface PayloadReadOptions {
  /** Check every file digest, symlink target and the payload digests (default true). */
  verify?: boolean;
  /** Decompression-bomb limit overrides. */
  limits?: PayloadLimits;
}

/** Longest symlink target accepted in the payload (PATH_MAX). */
const MAX_SYMLINK_TARGET = 4096;

type DataLessType = "directory" | "symlink" | "device" | "fifo" | "socket";

function entryTypeOf(mode: number): "file" | DataLessType | undefined {
  switch (mode & S_IFMT) {
    case FileType.regular:
      return "file";
    case FileType.directory:
      return "directory";
    case FileType.symlink:
      return "symlink";
    case FileType.char:
    case FileType.block:
      return "device";
    case FileType.fifo:
      return "fifo";
    case FileType.socket:
      return "socket";
    default:
      return undefined;
  }
}

/** Turns cpio members into checked {@link PayloadEntry} items; one per payload. */
class PayloadWalker {
  private readonly files: readonly RpmFile[];
  private readonly table: PayloadFileTable;
  private readonly links: HardLinkTracker;
  private readonly seen: Uint8Array;

  constructor(
    private readonly archive: ByteReader,
    private readonly pkg: RpmPackage,
    private readonly verify: boolean,
    private readonly label: string,
    private readonly subject: string,
  ) {
    this.files = pkg.files;
    this.table = new PayloadFileTable(pkg.files);
    this.seen = new Uint8Array(pkg.files.length);
    this.links = new HardLinkTracker(pkg.files, (member, holder) => {
      if (verify && member.digest !== holder.digest) {
        throw this.fail(
          "RPM_FILE_DIGEST_MISMATCH",
          `${member.path} is a hard link of ${holder.path} but the header gives them different digests`,
        );
      }
    });
  }

  fail(code: string, message: string): GroveError {
    return new GroveError(code, `${this.label}: ${message}`, { subject: this.subject });
  }

  /** All entries of the archive, up to its trailer. */
  async *entries(): AsyncGenerator<PayloadEntry> {
    for (;;) {
      const header = await readCpioHeader(this.archive);
      if (header.format === "trailer") return;
      yield* this.member(header);
    }
  }

  /** The entries one member yields: none (%ghost, held-back link), one, or a file followed by its links. */
  private async *member(header: CpioMemberHeader): AsyncGenerator<PayloadEntry> {
    const index = resolveMember(header, this.table, this.label, this.subject);
    const file = this.files[index] as RpmFile;
    if (this.seen[index] === 1)
      throw this.fail("RPM_PAYLOAD_DUPLICATE_ENTRY", `the payload contains ${file.path} twice`);
    this.seen[index] = 1;
    const size = memberDataSize(header, index, file, this.table);
    if (isGhost(file)) {
      // rpm < 4.11 sometimes put %ghost files in the payload; rpm skips them, so does grove.
      await this.archive.skip(size, `the data of ${file.path}`);
      return;
    }
    const type = entryTypeOf(file.mode);
    if (type === undefined) {
      throw this.fail("RPM_PAYLOAD_CORRUPT", `${file.path} has mode ${file.mode.toString(8)}, which is no file type`);
    }
    if (this.verify && header.format !== "stripped" && (header.mode & S_IFMT) !== (file.mode & S_IFMT)) {
      throw this.fail(
        "RPM_PAYLOAD_CORRUPT",
        `payload member ${file.path} has mode ${header.mode.toString(8)} but the header says ${file.mode.toString(8)}`,
      );
    }
    if (type === "file") yield* this.regularFile(header, index, file, size);
    else yield await this.dataLess(type, file, size);
  }

  private async dataLess(type: DataLessType, file: RpmFile, size: number): Promise<PayloadEntry> {
    if (type === "symlink") {
      if (size > MAX_SYMLINK_TARGET) {
        throw this.fail("RPM_PAYLOAD_SIZE_MISMATCH", `the symlink target of ${file.path} is ${size} bytes long`);
      }
      const target = decodeHeaderString(await this.archive.read(size, `the symlink target of ${file.path}`));
      if (this.verify && target !== file.linkTo) {
        throw this.fail(
          "RPM_PAYLOAD_CORRUPT",
          `${file.path} links to ${target} in the payload but to ${file.linkTo} in the header`,
        );
      }
    } else if (size !== 0) {
      throw this.fail(
        "RPM_PAYLOAD_SIZE_MISMATCH",
        `${file.path} is a ${type} but has ${size} bytes of data in the payload`,
      );
    }
    return { type, file };
  }

  private async *regularFile(
    header: CpioMemberHeader,
    index: number,
    file: RpmFile,
    size: number,
  ): AsyncGenerator<PayloadEntry> {
    const set = this.table.linkSet(index);
    if (size !== file.size && !(set !== undefined && size === 0)) {
      throw this.fail(
        "RPM_PAYLOAD_SIZE_MISMATCH",
        `${file.path} has ${size} bytes of data in the payload but the header says ${file.size}`,
      );
    }
    if (set === undefined) {
      yield* this.withContent(header, file, size);
      return;
    }
    // The member carrying data holds the set's content; with empty files, the first member seen does.
    switch (this.links.classify(set, index, size > 0 || file.size === 0)) {
      case "waiting":
        return;
      case "link":
        yield this.links.linkEntry(set, index);
        return;
      case "extra-data":
        await this.content(header, file, size).finish();
        yield this.links.linkEntry(set, index);
        return;
      case "data":
        yield* this.withContent(header, file, size);
        yield* this.links.dataEmitted(set, index);
    }
  }

  /** Yields a `file` entry, then makes sure its content was read to the end and verified. */
  private async *withContent(header: CpioMemberHeader, file: RpmFile, size: number): AsyncGenerator<PayloadEntry> {
    const content = this.content(header, file, size);
    yield { type: "file", file, content };
    await content.finish();
  }

  private content(header: CpioMemberHeader, file: RpmFile, size: number): FileContent {
    const checkDigest = this.verify && file.digest !== "";
    return new FileContent(this.archive, file, size, {
      digest: checkDigest ? { hash: createDigest(this.pkg.fileDigestAlgorithm), expected: file.digest } : undefined,
      crc: this.verify && header.format === "crc" ? header.checksum : undefined,
      label: this.label,
      subject: this.subject,
    });
  }

  /**
   * Checks, after the trailer, that every header file was in the payload and every hard-link set got its
   * data, and that only padding follows (reading to the end also runs the decoder's own integrity check).
   */
  async finish(): Promise<void> {
    const orphans = this.links.unresolved()[0];
    if (orphans !== undefined) {
      const names = orphans.map((f) => f.path).join(", ");
      throw this.fail("RPM_PAYLOAD_MISSING_FILE", `the payload has no data for the hard-link set ${names}`);
    }
    const missing = this.files.filter((file, i) => this.seen[i] !== 1 && !isGhost(file));
    if (missing.length > 0) {
      const shown = missing
        .slice(0, 5)
        .map((file) => file.path)
        .join(", ");
      throw this.fail(
        "RPM_PAYLOAD_MISSING_FILE",
        `${missing.length} file(s) of the header are missing from the payload: ${shown}${missing.length > 5 ? ", ..." : ""}`,
      );
    }
    for await (const chunk of this.archive.rest()) {
      if (chunk.some((byte) => byte !== 0)) {
        throw this.fail("RPM_PAYLOAD_CORRUPT", "the payload has data after the cpio trailer");
      }
    }
  }
}

/**
 * Streams the payload that follows the headers in `file` as {@link PayloadEntry} items, verifying as it goes.
 * Members are matched to header files by name (`./usr/bin/x` is `/usr/bin/x`; rpm's stripped members by
 * index); a hard-link set yields one `file` entry with the data and `hardlink` entries for the other names.
 * After the last entry, the archive's end, the decompressor's own check and the payload digests are verified.
 * @param file - the package stream, positioned at the first payload byte
 * @param facts - the headers
 * @param stats - counters updated while reading
 * @throws GroveError `RPM_PAYLOAD_UNKNOWN_ENTRY`, `RPM_PAYLOAD_DUPLICATE_ENTRY`, `RPM_PAYLOAD_BAD_PATH`,
 *   `RPM_PAYLOAD_MISSING_FILE`, `RPM_PAYLOAD_SIZE_MISMATCH`, `RPM_PAYLOAD_CORRUPT`, `RPM_PAYLOAD_TOO_LARGE`,
 *   `RPM_FILE_DIGEST_MISMATCH`, `RPM_PAYLOAD_DIGEST_MISMATCH`, `RPM_PAYLOAD_UNKNOWN_COMPRESSION`,
 *   `RPM_PAYLOAD_UNSUPPORTED_FORMAT`, `RPM_PAYLOAD_DECOMPRESSOR_UNAVAILABLE`, `RPM_TRUNCATED`
 */
export async function* readPayloadEntries(
  file: ByteReader,
  facts: PayloadHeaderFacts,
  stats: PayloadStats,
  options: PayloadReadOptions = {},
): AsyncGenerator<PayloadEntry> {
  const verify = options.verify ?? true;
  const { pkg } = facts;
  const subject = file.subject;
  const label = `${subject} (${pkg.nevra})`;
  if (pkg.payloadFormat !== "" && pkg.payloadFormat !== "cpio") {
    throw new GroveError(
      "RPM_PAYLOAD_UNSUPPORTED_FORMAT",
      `${label}: the payload format is "${pkg.payloadFormat}"; grove reads cpio payloads only`,
      {
        subject,
        hint: pkg.payloadFormat === "drpm" ? "This is a delta RPM; apply it with applydeltarpm first." : undefined,
      },
    );
  }
  const stream = await openArchiveStream(file, {
    declaredCompressor: pkg.payloadCompressor,
    subject,
    expectedDigests: verify ? facts : undefined,
    sizeLimit: payloadSizeLimit(pkg.files, facts.payloadSize),
    expectedSize: facts.payloadSize ?? 0,
    limits: options.limits,
    stats,
  });
  try {
    const walker = new PayloadWalker(stream.archive, pkg, verify, label, subject);
    for await (const entry of walker.entries()) {
      stats.entryCount++;
      yield entry;
    }
    await walker.finish();
    await stream.drainCompressed();
    await stream.digests?.verify(label, subject);
  } finally {
    stream.digests?.close();
  }
}
