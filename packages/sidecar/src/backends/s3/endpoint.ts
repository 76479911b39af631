// Whether an S3 endpoint is AWS itself: the remotes' code asks without
// loading the AWS SDK.

/** True for AWS (no endpoint, or an amazonaws.com host): virtual-hosted buckets, the SDK's checksums. */
export function isAwsEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) {
    return true;
  }
  try {
    return /(^|\.)amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}
