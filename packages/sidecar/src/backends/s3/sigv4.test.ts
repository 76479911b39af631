// wire.ts' own SigV4 against the SDK's SignatureV4, configured as wire.ts
// used it: the same headers, Authorization included, for GETs and PUTs,
// ranges, odd keys, awkward header values, session tokens, other regions
// and days (a new signing key), and keys that change under the signer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './sha256.js';
import {
  ObjectSigner,
  type IObjectCredentials,
  type IObjectRequest
} from './sigv4.js';
import { encodeKey } from './wire.js';

async function sdkHeaders(
  request: IObjectRequest,
  credentials: IObjectCredentials,
  region: string,
  date: Date
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials,
    region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false
  });
  const [hostname, port] = request.host.split(':');
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname,
      port: port ? Number(port) : undefined,
      path: request.path,
      query: {},
      headers: {
        ...request.headers,
        host: request.host,
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD'
      }
    },
    { signingDate: date }
  );
  return signed.headers;
}

const KEYS: IObjectCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
};

test("the signature and headers are the SDK signer's, request for request", async () => {
  const ours = new ObjectSigner();
  const cases: [IObjectRequest, IObjectCredentials, string, Date][] = [
    [
      {
        method: 'GET',
        host: 's3.us-east-1.amazonaws.com',
        path: `/bucket/${encodeKey('a/b.txt')}`,
        headers: {}
      },
      KEYS,
      'us-east-1',
      new Date('2026-12-03T23:15:00.123Z')
    ],
    [
      {
        method: 'GET',
        host: '127.0.0.1:8333',
        path: `/bucket/${encodeKey("odd/ü nï+%#?(1)'*!.bin")}`,
        headers: { range: 'bytes=0-1048575' }
      },
      KEYS,
      'us-east-1',
      new Date('2026-12-03T23:59:59.999Z')
    ],
    [
      // The next day, another region: a new signing key.
      {
        method: 'PUT',
        host: 'osn.example.org',
        path: `/data/${encodeKey('zarr/c/0.0')}`,
        headers: {
          'content-length': '16384',
          'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==',
          'content-type': 'application/octet-stream'
        }
      },
      { ...KEYS, sessionToken: 'FwoGZXIvYXdzEJr//////////token==' },
      'eu-central-1',
      new Date('2026-12-04T00:00:00.000Z')
    ],
    [
      // Values SigV4 canonicalises: runs of spaces and tabs, ends, a line break.
      {
        method: 'PUT',
        host: 'bucket.s3.amazonaws.com',
        path: '/k',
        headers: {
          'content-length': '0',
          'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==',
          'content-type': '  text/plain;\t\tcharset=utf-8 \r\n x '
        }
      },
      KEYS,
      'us-west-2',
      new Date('2026-12-04T00:00:01.000Z')
    ],
    [
      // Other keys for the same day and region: not the kept signing key.
      {
        method: 'GET',
        host: 'bucket.s3.amazonaws.com',
        path: '/k',
        headers: {}
      },
      { accessKeyId: 'AKIDOTHER', secretAccessKey: 'another/secret+key' },
      'us-west-2',
      new Date('2026-12-04T00:00:02.000Z')
    ]
  ];
  for (const [request, credentials, region, date] of cases) {
    assert.deepEqual(
      ours.sign(request, credentials, region, date),
      await sdkHeaders(request, credentials, region, date),
      `${request.method} ${request.path} (${region}, ${date.toISOString()})`
    );
  }
});

test('credentials without keys are refused, as the SDK refuses them', () => {
  assert.throws(
    () =>
      new ObjectSigner().sign(
        { method: 'GET', host: 'h', path: '/k', headers: {} },
        { accessKeyId: 'x' } as IObjectCredentials,
        'us-east-1',
        new Date()
      ),
    /not valid/
  );
});
