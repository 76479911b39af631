// The signer's hash gives what Node's gives, keyed or not, with keys kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Sha256 } from './sha256.js';

async function digest(
  make: (secret?: Uint8Array) => {
    update(data: Uint8Array | string): void;
    digest(): Promise<Uint8Array>;
  },
  secret: Uint8Array | undefined,
  parts: (Uint8Array | string)[]
): Promise<string> {
  const hash = make(secret);
  for (const part of parts) {
    hash.update(part);
  }
  return Buffer.from(await hash.digest()).toString('hex');
}

test('SHA-256 and HMAC-SHA256 match Node, for more keys than are kept', async () => {
  for (let i = 0; i < 20; i++) {
    const secret = i % 4 === 0 ? undefined : randomBytes(32);
    const parts = ['AWS4-HMAC-SHA256\n', randomBytes(100), 'ü/x'];
    const ours = await digest(s => new Sha256(s), secret, parts);
    // The same key again (kept) gives the same digest.
    assert.equal(await digest(s => new Sha256(s), secret, parts), ours);
    const node = (secret ? createHmac('sha256', secret) : createHash('sha256'))
      .update(Buffer.concat(parts.map(p => Buffer.from(p))))
      .digest('hex');
    assert.equal(ours, node);
  }
});

test('reset starts again with the same key', async () => {
  const secret = randomBytes(32);
  const hash = new Sha256(secret);
  hash.update('first');
  hash.reset();
  hash.update('second');
  assert.equal(
    Buffer.from(await hash.digest()).toString('hex'),
    createHmac('sha256', secret).update('second').digest('hex')
  );
});
