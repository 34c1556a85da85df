// HTML escaping for every server-rendered page (task pages, public form, console). Each interpolated string
// goes through escapeHtml; attribute values are always double-quoted, so quotes are escaped too.

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** A same-origin absolute path only: never another origin, never a scheme-relative `//host`. */
export function isSameOriginPath(path: string): boolean {
  return /^\/(?![/\\])[^\s"'<>\\]*$/.test(path);
}
