/**
 * True when `text` is an absolute URL with a scheme (`http://...`, `file:///...`).
 *
 * @param text - candidate URL
 */
export function isAbsoluteUrl(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(text);
}

/**
 * `url` with a trailing `/`, so relative paths resolve inside it.
 *
 * @param url - a base URL
 */
export function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/**
 * Resolve a metadata `href` (a relative path, possibly with spaces, `#`, `?` or `%`) against a base URL.
 *
 * @param base - base URL (a trailing `/` is added when missing)
 * @param href - relative path as written in the metadata
 */
export function resolveHref(base: string, href: string): string {
  if (isAbsoluteUrl(href)) return href;
  const encoded = href
    .split("/")
    .map((segment) => encodeURI(segment).replace(/[#?]/g, (c) => encodeURIComponent(c)))
    .join("/");
  return new URL(encoded, withTrailingSlash(base)).href;
}
