// Headers on every response, so that nothing the sidecar sends can become
// active content in the user's Jupyter origin (the proxy serves it there):
// bytes from a store are untrusted, like a file from the internet. Jupyter's
// own /files/ handler is the floor; this is stricter (no scripts at all).
import type { RequestHandler, Response } from 'express';

/**
 * `sandbox` gives a document a unique origin with scripts, forms, popups and
 * plugins off; `default-src 'none'` stops it loading anything else. Images,
 * audio and video still display when opened directly (the panel reads bytes
 * with fetch, which a CSP does not affect).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox";

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  next();
};

/**
 * Media types a browser shows without running anything in them, compared
 * without parameters. Everything else (HTML, SVG, XML, PDF, JavaScript,
 * unknown types) is sent as an attachment: saved, never rendered.
 */
const PASSIVE_TYPES = new Set([
  'text/plain',
  'text/csv',
  'application/json',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp'
]);

export function isPassive(contentType: string): boolean {
  const essence = contentType.split(';')[0].trim().toLowerCase();
  return (
    PASSIVE_TYPES.has(essence) || /^(audio|video)\/[a-z0-9.+-]+$/.test(essence)
  );
}

/** Inline only for passive types and when the client did not ask to download. */
export function setDisposition(
  res: Response,
  name: string,
  contentType: string,
  download: boolean
): void {
  if (download || !isPassive(contentType)) {
    // Express writes RFC 6266 with an RFC 5987 filename* for names that are
    // not plain ASCII (the content-disposition package).
    res.attachment(name);
  }
}
