/**
 * The record kept beside every converted package in the cache and listed in the corpus manifest.
 * @packageDocumentation
 */
import type { RpmEvr } from "./debian-version.js";

/** Bump this whenever the conversion's output changes: it is part of every cache key. */
export const CONVERTER_VERSION = "grove-corpus-converter-4";

/** One converted package. */
export interface ConvertedPackage {
  /** RPM name (= Debian package name). */
  name: string;
  /** RPM epoch-version-release. */
  evr: RpmEvr;
  /** `x86_64` or `noarch`. */
  arch: string;
  /** Debian version it came from. */
  debianVersion: string;
  /** The .deb file name. */
  debFile: string;
  /** sha256 of the .deb. */
  debSha256: string;
  /** The .rpm file name. */
  rpmFile: string;
  /** sha256 of the .rpm. */
  rpmSha256: string;
  /** Size of the .rpm in bytes. */
  rpmSize: number;
  /** Payload compressor. */
  payload: string;
  /** Entries in the file list (files, directories, links). */
  entries: number;
  /** Bytes of regular-file content (hard links counted once). */
  contentBytes: number;
  /** Scriptlet sections the converter added. */
  scriptlets: string[];
  /** For an update: the path whose content changed. */
  changedPath: string | undefined;
}
