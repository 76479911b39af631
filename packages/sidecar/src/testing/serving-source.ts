// A source store of our making for the engine's own checks: it serves the
// same bytes for any read (ranges of them), whatever its listing states, as
// a store whose object changed, or a network that damaged it, would.
import { Readable } from 'node:stream';
import type { IBackend } from '../backends/types.js';

export function servingSource(
  served: Buffer,
  /** The MD5 its answers state for a whole read (as S3's ETag, GCS's x-goog-hash). */
  answerMd5?: string
): IBackend {
  const backend: IBackend = {
    capabilities: {
      rangedReads: true,
      multipartWrite: null,
      hashes: ['md5'],
      realDirectories: false,
      maxKeyBytes: 1024
    },
    read: async (_bucket, _key, range) =>
      Readable.from([
        range
          ? served.subarray(range.start, (range.end ?? served.length) + 1)
          : served
      ]),
    listBuckets: async () => [],
    list: async () => ({ prefixes: [], objects: [], nextToken: null }),
    stat: async () => {
      throw new Error('not used');
    },
    writer: async () => {
      throw new Error('not used');
    },
    put: async () => {
      throw new Error('not used');
    },
    delete: async () => undefined,
    deleteMany: async () => ({ deleted: 0 })
  };
  if (answerMd5 !== undefined) {
    backend.readBuffer = async (
      _bucket,
      _key,
      start,
      length,
      size,
      into,
      _signal,
      stated
    ) => {
      const buffer = into ?? Buffer.alloc(length);
      served.copy(buffer, 0, start, start + length);
      if (stated && start === 0 && length === size) {
        stated.md5 = answerMd5;
      }
      return buffer;
    };
  }
  return backend;
}
