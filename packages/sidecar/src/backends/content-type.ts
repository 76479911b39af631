// A stored content type is whatever the object's writer set: anyone who can
// write to a bucket chooses it. It reaches HTTP headers and the browser, so
// only a well-formed media type (RFC 9110, section 8.3.1) passes; anything
// else is dropped, and the object is served as application/octet-stream
// instead of failing with a 500 on an invalid header value.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED =
  '"(?:[\\t\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*"';
const MEDIA_TYPE = new RegExp(
  `^${TOKEN}/${TOKEN}(?:[\\t ]*;[\\t ]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*[\\t ]*$`
);
const MAX_LENGTH = 256;

export function safeContentType(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) {
    return undefined;
  }
  const trimmed = value.trim();
  return MEDIA_TYPE.test(trimmed) ? trimmed : undefined;
}
