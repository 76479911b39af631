// What the registry knows of the s3 backend without loading the AWS SDK
// (backend.ts, loaded when an S3 remote is first used).
import type { ICapabilities, OptionalFeature } from '../types.js';

const MiB = 1024 * 1024;

export const CAPABILITIES: ICapabilities = {
  rangedReads: true,
  multipartWrite: {
    minPartSize: 5 * MiB,
    maxPartSize: 5 * 1024 * MiB,
    maxParts: 10_000,
    partSizeMultiple: 1,
    parallelParts: true
  },
  checkedStreamPut: true,
  hashes: ['md5', 'etag'],
  realDirectories: false,
  batchDelete: true,
  directUploads: 'parts',
  maxKeyBytes: 1024
};

/**
 * An anonymous remote signs nothing, so it cannot presign the part URLs a
 * browser would upload to: its uploads go through the sidecar from the start
 * (rather than learning it from a refused probe and remembering that a day).
 */
export function capabilitiesOf(remote: { anonymous: boolean }): ICapabilities {
  if (!remote.anonymous) {
    return CAPABILITIES;
  }
  const { directUploads: _unsigned, ...rest } = CAPABILITIES;
  return rest;
}

/** S3Backend's optional methods (capabilities.test.ts checks them against the class). */
export const FEATURES: readonly OptionalFeature[] = [
  'copy',
  'readBuffer',
  'readTo',
  'presign'
];
