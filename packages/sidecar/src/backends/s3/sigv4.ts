// AWS Signature Version 4 of the two per-object requests wire.ts sends (GET
// and PUT of one object, body unsigned or declared by its Content-MD5): the
// hot path of small files. The SDK's SignatureV4 signs each request through
// promises, byte-array conversions and a fresh HMAC of the credentials to
// find its cached key: 0.05 ms of CPU and 14 KB of garbage a request, a
// tenth of the CPU of a folder of 16 KiB files. Here: one SHA-256 of the
// canonical request and one HMAC with a key derived once a day, with
// Node's crypto. Everything else the SDK signs (listings, HEAD, multipart,
// copies) stays on the SDK, and sigv4.test.ts holds this signer to its
// output, header for header.
import {
  createHash,
  createHmac,
  createSecretKey,
  type KeyObject
} from 'node:crypto';

export interface IObjectCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface IObjectRequest {
  method: 'GET' | 'PUT';
  /** Host header: host, and port when not the scheme's. */
  host: string;
  /** As sent: already encoded, signed as it is (S3 does not encode again). */
  path: string;
  /** Lowercase names: range, content-length, content-md5, content-type. */
  headers: Record<string, string>;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** A header value as SigV4 canonicalises it: one line, single spaces, trimmed. */
function canonicalValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/** `20261203T231500Z` and `20261203`. */
function dates(date: Date): { long: string; short: string } {
  const long = date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return { long, short: long.slice(0, 8) };
}

export class ObjectSigner {
  /** The last signing key: one per day, region and credentials. */
  private key?: {
    short: string;
    region: string;
    id: string;
    secret: string;
    /** A KeyObject: Node makes one of a Buffer key at every HMAC, 32 µs each (sha256.ts). */
    key: KeyObject;
  };

  constructor(private readonly service = 's3') {}

  /** The request's headers with x-amz-date, the token and Authorization added. */
  sign(
    request: IObjectRequest,
    credentials: IObjectCredentials,
    region: string,
    date: Date
  ): Record<string, string> {
    if (
      typeof credentials.accessKeyId !== 'string' ||
      typeof credentials.secretAccessKey !== 'string'
    ) {
      throw new Error('Resolved credential object is not valid');
    }
    const { long, short } = dates(date);
    const headers: Record<string, string> = {
      ...request.headers,
      host: request.host,
      'x-amz-content-sha256': UNSIGNED_PAYLOAD,
      'x-amz-date': long
    };
    if (credentials.sessionToken) {
      headers['x-amz-security-token'] = credentials.sessionToken;
    }
    const names = Object.keys(headers).sort();
    let canonicalHeaders = '';
    for (const name of names) {
      canonicalHeaders += `${name}:${canonicalValue(headers[name])}\n`;
    }
    const signedHeaders = names.join(';');
    const canonicalRequest =
      `${request.method}\n${request.path}\n\n${canonicalHeaders}\n` +
      `${signedHeaders}\n${UNSIGNED_PAYLOAD}`;
    const scope = `${short}/${region}/${this.service}/aws4_request`;
    const stringToSign =
      `${ALGORITHM}\n${long}\n${scope}\n` +
      createHash('sha256').update(canonicalRequest).digest('hex');
    const signature = createHmac(
      'sha256',
      this.signingKey(credentials, region, short)
    )
      .update(stringToSign)
      .digest('hex');
    headers.authorization =
      `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, ` +
      `SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  private signingKey(
    credentials: IObjectCredentials,
    region: string,
    short: string
  ): KeyObject {
    const kept = this.key;
    if (
      kept &&
      kept.short === short &&
      kept.region === region &&
      kept.id === credentials.accessKeyId &&
      kept.secret === credentials.secretAccessKey
    ) {
      return kept.key;
    }
    let key: Buffer = createHmac('sha256', `AWS4${credentials.secretAccessKey}`)
      .update(short)
      .digest();
    for (const part of [region, this.service, 'aws4_request']) {
      key = createHmac('sha256', key).update(part).digest();
    }
    this.key = {
      short,
      region,
      id: credentials.accessKeyId,
      secret: credentials.secretAccessKey,
      key: createSecretKey(key)
    };
    return this.key.key;
  }
}
