// What the registry knows of the gcs backend without loading Google's
// library (backend.ts, loaded when a GCS remote is first used).
import type { ICapabilities, OptionalFeature } from '../types.js';

const MiB = 1024 * 1024;

export const CAPABILITIES: ICapabilities = {
  rangedReads: true,
  // GCS has no S3-style parts; resumable uploads take chunks in multiples of 256 KiB.
  // The chunks of one session go in order, one at a time.
  multipartWrite: {
    minPartSize: 256 * 1024,
    maxPartSize: 5 * 1024 * MiB,
    maxParts: 10_000,
    partSizeMultiple: 256 * 1024,
    parallelParts: false,
    wholeMd5: true
  },
  directUploads: 'session',
  hashes: ['md5', 'crc32c'],
  realDirectories: false,
  maxKeyBytes: 1024
};

/** GcsBackend's optional methods (capabilities.test.ts checks them against the class). */
export const FEATURES: readonly OptionalFeature[] = [
  'copy',
  'readBuffer',
  'readTo',
  'presign'
];
