// The MD5 a read's answer states: S3's ETag when it is one, GCS's x-goog-hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { googHashMd5 } from './gcs/backend.js';
import { etagMd5 } from './s3/backend.js';

const MD5 = 'b8ca2b70e46e638807e75b2cb0cb5746';
const MD5_BASE64 = Buffer.from(MD5, 'hex').toString('base64');

test("GCS: x-goog-hash's md5, in any order; a composite object states none", () => {
  assert.equal(googHashMd5(`crc32c=xxSj6g==,md5=${MD5_BASE64}`), MD5);
  assert.equal(googHashMd5(`md5=${MD5_BASE64}, crc32c=xxSj6g==`), MD5);
  assert.equal(googHashMd5('crc32c=xxSj6g=='), undefined);
  assert.equal(googHashMd5(undefined), undefined);
  assert.equal(googHashMd5('md5=not-base64'), undefined);
});

test('S3: an ETag is an MD5 only for a single-part object not encrypted with KMS or a customer key', () => {
  assert.equal(etagMd5(MD5, undefined, undefined), MD5);
  assert.equal(etagMd5(MD5, 'AES256', undefined), MD5);
  assert.equal(
    etagMd5(`${MD5.slice(0, 30)}-2`, undefined, undefined),
    undefined
  );
  assert.equal(etagMd5(MD5, 'aws:kms', undefined), undefined);
  assert.equal(etagMd5(MD5, 'aws:kms:dsse', undefined), undefined);
  assert.equal(etagMd5(MD5, undefined, 'AES256'), undefined);
  assert.equal(etagMd5(undefined, undefined, undefined), undefined);
});
