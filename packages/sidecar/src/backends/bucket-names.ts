// Bucket names as the providers define them, checked before a request is
// built: a name is part of the request URL, so a `/`, `..` or `%` in it could
// address another bucket (an encoded `/` in a GCS name reaches a different
// bucket's object path) instead of failing. A name a provider would refuse
// is the caller's mistake: 400 invalid_request, never a 502 from the store.
import { ApiError } from '../api-error.js';

/** Why `name` is not an S3 bucket name, or undefined when it is one. */
export function s3BucketProblem(name: string): string | undefined {
  // AWS's current rule is 3-63 lowercase letters, digits, '.' and '-'. Older
  // buckets in us-east-1 and Ceph pods (OSN) with relaxed names may also use
  // capitals and '_' and be up to 255 long; refusing those would lock users
  // out of their own data, so they pass and the store decides.
  if (name.length < 3 || name.length > 255) {
    return 'it must be 3 to 255 characters long';
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    return "it may only contain letters, digits, '.', '-' and '_'";
  }
  if (!/^[A-Za-z0-9]/.test(name) || !/[A-Za-z0-9]$/.test(name)) {
    return 'it must start and end with a letter or a digit';
  }
  if (name.includes('..')) {
    return "it cannot contain '..'";
  }
  return undefined;
}

/** Why `name` is not a GCS bucket name, or undefined when it is one. */
export function gcsBucketProblem(name: string): string | undefined {
  // https://cloud.google.com/storage/docs/buckets#naming
  if (!/^[a-z0-9._-]+$/.test(name)) {
    return "it may only contain lowercase letters, digits, '-', '_' and '.'";
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return 'it must start and end with a letter or a digit';
  }
  const limit = name.includes('.') ? 222 : 63;
  if (name.length < 3 || name.length > limit) {
    return `it must be 3 to ${limit} characters long`;
  }
  if (name.split('.').some(part => part.length === 0 || part.length > 63)) {
    return 'each dot-separated part must be 1 to 63 characters long';
  }
  return undefined;
}

export function invalidBucket(
  name: string,
  problem: string,
  provider: string
): ApiError {
  // JSON.stringify shows control characters and quotes as escapes, not raw.
  return new ApiError(
    'invalid_request',
    `${JSON.stringify(name)} is not a valid ${provider} bucket name: ${problem}.`,
    'Check the bucket name (as the store lists it).'
  );
}
