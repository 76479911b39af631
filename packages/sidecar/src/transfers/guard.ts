// A transfer that the admin's rules refuse is refused before it starts, as
// one clear error (HTTP 403), rather than as a job whose every file fails.
// The backends check each write again (backends/guarded.ts): this is the
// early answer, not the guard.
import { mayWriteUnder, type TransferOp } from '@jupyter-buckets/core';
import { policyError } from '../backends/guarded.js';
import type { IEndpoint } from '../locations/resolver.js';

function refuseUnder(endpoint: IEndpoint): void {
  const { policy } = endpoint;
  if (policy && !mayWriteUnder(policy, endpoint.bucket, endpoint.path)) {
    throw policyError(
      endpoint.remote,
      policy,
      policy.readOnly ? 'read_only' : 'outside_writable_prefix',
      `${endpoint.bucket}/${endpoint.path}`
    );
  }
}

/** Throws the policy's error when `op` would write where it may not. */
export function checkPolicies(
  op: TransferOp,
  src: IEndpoint,
  dst: IEndpoint
): void {
  refuseUnder(dst);
  if (op === 'move' || op === 'delete') {
    // A move deletes its source (a delete's destination is its source).
    refuseUnder(src);
  }
}
