// Security headers shared by every server-rendered page. No JavaScript and no third-party asset: the only
// style is one inline <style> block allowed by its SHA-256, so `default-src 'none'` blocks everything else.
import { createHash } from "node:crypto";

/** The CSP source (`sha256-…`) for an inline style block, as a browser computes it. */
export function styleHash(css: string): string {
  return `sha256-${createHash("sha256").update(css, "utf8").digest("base64")}`;
}

export interface SecurityHeaderOptions {
  /** The CSP hash of the page's one <style> block (styleHash). */
  styleHash: string;
  /** Extra CSP sources for images, e.g. `data:` for an inline QR code. None by default. */
  imgSrc?: string;
  /**
   * Cache-Control. `no-store` by default: task links carry a token and pages may show case details; a
   * public page with no personal data may pass something else.
   */
  cacheControl?: string;
  /** Let search engines index the page (a public form an organisation wants found). Off by default. */
  indexable?: boolean;
  /** Origins a form may post or redirect to besides 'self' (the console's sign-out at the identity provider). */
  formTargets?: readonly string[];
  /** Referrer-Policy; `no-referrer` by default (task links carry a token). */
  referrerPolicy?: string;
}

export function contentSecurityPolicy(
  o: Pick<SecurityHeaderOptions, "styleHash" | "imgSrc" | "formTargets">,
): string {
  return [
    "default-src 'none'",
    `style-src '${o.styleHash}'`,
    ...(o.imgSrc ? [`img-src ${o.imgSrc}`] : []),
    ["form-action 'self'", ...(o.formTargets ?? [])].join(" "),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** Headers for every HTML response, success or error. */
export function securityHeaders(o: SecurityHeaderOptions): Record<string, string> {
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": o.cacheControl ?? "no-store",
    // Never leak a URL that may carry a token to another site.
    "Referrer-Policy": o.referrerPolicy ?? "no-referrer",
    "Content-Security-Policy": contentSecurityPolicy(o),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    ...(o.indexable ? {} : { "X-Robots-Tag": "noindex, nofollow" }),
  };
}
