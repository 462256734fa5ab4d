/**
 * The Content-Security-Policy of every response (set in proxy.ts). Pages run only scripts from this
 * server that carry the request's nonce (Next puts it on its own scripts when it renders, reading it
 * from the request's policy header); nothing may frame a page, plugins and <base> are off, and
 * forms and connections stay on this origin. Styles may be inline: xterm.js and CodeMirror insert
 * <style> elements with no way to give them a nonce (or, for CodeMirror, only by a facet set in
 * every editor), and React renders `style` attributes; a style cannot run code, the script rule is
 * what stops an injection. React's development build needs eval (`npm run dev` only).
 */
export function pagePolicy(nonce: string, opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** API responses are data: nothing in them may load or run anything, or be framed. */
export const API_POLICY = [
  "default-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** A fresh nonce per request: 128 random bits. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

export function policyFor(pathname: string, nonce: string, opts: { dev?: boolean } = {}): string {
  return pathname === "/api" || pathname.startsWith("/api/") ? API_POLICY : pagePolicy(nonce, opts);
}
