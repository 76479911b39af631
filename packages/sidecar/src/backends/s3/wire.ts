// S3's two per-object data requests, GET and PUT of one object, signed here
// and sent straight over undici. The SDK's middleware stack (endpoint rules,
// serializers, user agent, logging filters) costs about 0.5 ms of CPU per
// request, three times the request itself: for a folder of 20,000 small
// files that is 10 CPU-seconds taken from the store on a 2-core machine.
// Everything else (listing, multipart uploads, HEAD, copies, deletes) stays
// on the SDK, and so does every rule: the address of a bucket is learnt once
// from the SDK's own presigner (path style, virtual hosts, regions, dotted
// names), and the signature is SigV4 (sigv4.ts, held to the SDK's) with the
// SDK's credentials, region and clock-skew correction.
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Dispatcher } from '../http/undici.js';
import type { IRangedRequest } from '../ranged-reads.js';
import type { IByteRange } from '../types.js';
import { ObjectSigner } from './sigv4.js';

/** The key whose presigned URL shows where a bucket's objects live. */
const PROBE_KEY = 'k';

/** S3's key encoding: each path segment as the SDK's serializer encodes it. */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map(segment =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
      )
    )
    .join('/');
}

/** An S3 error answer, shaped as the SDK's errors are for toApiError and retries. */
export function s3Refusal(status: number, text: string): Error {
  // S3's error documents are flat: <Error><Code>..</Code><Message>..</Message>.
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]{0,500})<\/Message>/.exec(text)?.[1];
  return Object.assign(new Error(message || code || `HTTP ${status}`), {
    name: code ?? (status === 404 ? 'NotFound' : 'UnknownError'),
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status }
  });
}

async function answerError(answer: Dispatcher.ResponseData): Promise<Error> {
  const text = await answer.body.text().catch(() => '');
  return s3Refusal(answer.statusCode, text);
}

function header(
  answer: Dispatcher.ResponseData,
  name: string
): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface IPutAnswer {
  etag?: string;
  serverSideEncryption?: string;
  sseCustomerAlgorithm?: string;
}

/** Where a bucket's objects live: its origin and the path before a key. */
interface IBase {
  url: URL;
  prefix: string;
}

export class S3Wire {
  /** Each bucket's base, learnt once. */
  private readonly bases = new Map<string, Promise<IBase>>();
  private readonly signer: ObjectSigner | null;

  constructor(
    private readonly client: S3Client,
    private readonly dispatcher: Dispatcher,
    anonymous: boolean
  ) {
    this.signer = anonymous ? null : new ObjectSigner();
  }

  /** GET of an object or a range of it; a store's refusal rejects here. */
  async get(
    bucket: string,
    key: string,
    range?: IByteRange
  ): Promise<Readable> {
    const headers: Record<string, string> = {};
    if (range) {
      headers.range = `bytes=${range.start}-${range.end ?? ''}`;
    }
    const answer = await this.send('GET', bucket, key, headers);
    if (answer.statusCode !== 200 && answer.statusCode !== 206) {
      throw await answerError(answer);
    }
    return answer.body;
  }

  /**
   * PUT of a whole object with its MD5 declared: the store checks the bytes
   * against it, and the signature covers the MD5 instead of a SHA-256 of the
   * body (as the SDK path does, see unsignedWhenMd5).
   */
  async put(
    bucket: string,
    key: string,
    body: Buffer | Readable,
    size: number,
    md5Base64: string,
    contentType: string | undefined
  ): Promise<IPutAnswer> {
    const headers: Record<string, string> = {
      'content-length': String(size),
      'content-md5': md5Base64
    };
    if (contentType) {
      headers['content-type'] = contentType;
    }
    const answer = await this.send('PUT', bucket, key, headers, body);
    if (answer.statusCode !== 200) {
      throw await answerError(answer);
    }
    await answer.body.dump();
    return {
      etag: header(answer, 'etag'),
      serverSideEncryption: header(answer, 'x-amz-server-side-encryption'),
      sseCustomerAlgorithm: header(
        answer,
        'x-amz-server-side-encryption-customer-algorithm'
      )
    };
  }

  private base(bucket: string): Promise<IBase> {
    let base = this.bases.get(bucket);
    if (!base) {
      // Presigning runs the SDK's whole stack (the bucket name check too)
      // without a request: the URL it signs is where the bucket's keys are.
      base = getSignedUrl(
        this.client,
        new GetObjectCommand({ Bucket: bucket, Key: PROBE_KEY }),
        { expiresIn: 60 }
      ).then(signed => {
        const url = new URL(signed);
        return { url, prefix: url.pathname.slice(0, -PROBE_KEY.length) };
      });
      base.catch(() => this.bases.delete(bucket));
      this.bases.set(bucket, base);
    }
    return base;
  }

  /** A GET as sent, for a client of its own (ranged-reads.ts). */
  async getRequest(
    bucket: string,
    key: string,
    headers: Record<string, string>
  ): Promise<IRangedRequest> {
    const request = await this.signed('GET', bucket, key, headers);
    return {
      origin: request.url,
      path: request.path,
      headers: request.headers
    };
  }

  /** The request as sent: where, and its headers (signed unless anonymous). */
  private async signed(
    method: 'GET' | 'PUT',
    bucket: string,
    key: string,
    headers: Record<string, string>
  ): Promise<{ url: URL; path: string; headers: Record<string, string> }> {
    const { url, prefix } = await this.base(bucket);
    // A string, never a URL: a URL would resolve a key's `..` segments.
    const path = `${prefix}${encodeKey(key)}`;
    if (!this.signer) {
      return { url, path, headers };
    }
    const config = this.client.config;
    // The SDK's own providers: memoized, refreshed before credentials expire.
    const [credentials, region] = await Promise.all([
      config.credentials(),
      config.region()
    ]);
    const offset = config.systemClockOffset ?? 0;
    const signed = this.signer.sign(
      { method, host: url.host, path, headers },
      credentials,
      region,
      new Date(Date.now() + offset)
    );
    return { url, path, headers: signed };
  }

  private async send(
    method: 'GET' | 'PUT',
    bucket: string,
    key: string,
    headers: Record<string, string>,
    body?: Buffer | Readable
  ): Promise<Dispatcher.ResponseData> {
    const request = await this.signed(method, bucket, key, headers);
    return this.dispatcher.request({
      origin: request.url.origin,
      path: request.path,
      method,
      headers: request.headers,
      body
    });
  }
}
