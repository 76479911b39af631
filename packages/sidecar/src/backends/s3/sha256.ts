// SHA-256 and HMAC-SHA256 for the SigV4 signer (the S3 client's and the
// wire's, which takes the client's), as the SDK's hash class is, less the cost of turning the HMAC's key into
// a KeyObject for every call: Node does that for a Buffer key, 32 µs of the
// 38 an HMAC cost, twice per object in a folder of small files. The
// signer's keys (derived once a day, region and service) are kept as
// KeyObjects, a few at most; the signature is the SDK's, unchanged.
import {
  createHash,
  createHmac,
  createSecretKey,
  type Hash,
  type Hmac,
  type KeyObject
} from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

/** Keys seen lately; a signer uses one a day per region. */
const KEPT_KEYS = 8;
const keys = new Map<string, KeyObject>();

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') {
    return Buffer.from(data, 'utf8');
  }
  if (ArrayBuffer.isView(data)) {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  return Buffer.from(data);
}

function keyObject(secret: SourceData): KeyObject {
  const raw = bytes(secret);
  const id = raw.toString('base64');
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= KEPT_KEYS) {
      keys.clear();
    }
    key = createSecretKey(raw);
    keys.set(id, key);
  }
  return key;
}

export class Sha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.start();
  }

  update(
    data: Uint8Array | string,
    encoding?: 'utf8' | 'ascii' | 'latin1'
  ): void {
    this.hash.update(
      typeof data === 'string'
        ? Buffer.from(data, encoding ?? 'utf8')
        : bytes(data)
    );
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }

  reset(): void {
    this.hash = this.start();
  }

  private start(): Hash | Hmac {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', keyObject(this.secret));
  }
}
