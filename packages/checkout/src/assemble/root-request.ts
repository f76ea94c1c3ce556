import { GroveError, type JsonValue } from "@grove/core/store";
import type { GenerationState } from "../generations/generation-state.js";

/** What a root was assembled from, recorded in each generation (`request` of `state/roots/NAME/G.json`). */
export interface RootRequest {
  /** The package specs asked for, e.g. `["apache2"]`. */
  packages: string[];
  /** Whether weak dependencies (Recommends, Supplements) were installed. */
  weakDeps: boolean;
  /** sha256 of the enabled repository definitions the generation was solved with. */
  repoConfig: string;
}

/**
 * The request as stored JSON.
 * @param request - the request
 */
export function requestToJson(request: RootRequest): JsonValue {
  return { packages: [...request.packages], weakDeps: request.weakDeps, repoConfig: request.repoConfig };
}

/**
 * Reads the request a generation recorded.
 * @param state - the generation's record
 * @param file - its path, for messages
 * @throws GroveError `CHECKOUT_BAD_STATE` when the record holds no package request (e.g. a root
 *   assembled through the library with a request of another shape)
 */
export function readRootRequest(state: GenerationState, file: string): RootRequest {
  const value = state.request as { packages?: unknown; weakDeps?: unknown; repoConfig?: unknown } | null;
  const packages = value?.packages;
  if (
    value === null ||
    typeof value !== "object" ||
    !Array.isArray(packages) ||
    packages.length === 0 ||
    !packages.every((p): p is string => typeof p === "string")
  ) {
    throw new GroveError(
      "CHECKOUT_BAD_STATE",
      `${file} records no package request ({"packages": [...]}), so root ${state.name} cannot be re-solved`,
      { subject: file, hint: `assemble it again with \`grove assemble ${state.name} PKG...\`` },
    );
  }
  return {
    packages,
    weakDeps: typeof value.weakDeps === "boolean" ? value.weakDeps : true,
    repoConfig: typeof value.repoConfig === "string" ? value.repoConfig : "",
  };
}
