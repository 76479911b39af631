// The session policy of temporary S3 keys (STS GetFederationToken): what the
// keys may do is what the policy allows AND what the hub's own key may do.
// It narrows the keys to one bucket when the user picked one, to reading when
// they asked for that, and it carries the hub admin's rules
// (jupyter_buckets.json: readOnly, writablePrefixes) so keys that leave the
// hub cannot write where the sidecar would refuse to.
import { writablePrefix, type IRemotePolicy } from '@jupyter-buckets/core';

/** Listing and reading; ListAllMyBuckets only when no bucket is named. */
const READ_ACTIONS = ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'];
/** Writing objects, multipart uploads included (what the AWS CLI, rclone and s3fs send). */
const WRITE_ACTIONS = [
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
  's3:ListBucketMultipartUploads'
];

export interface ISessionPolicyInput {
  /** The one bucket the keys reach; all the hub's buckets when undefined. */
  bucket?: string;
  readOnly: boolean;
  /** The hub admin's rules for the remote. */
  hub?: IRemotePolicy;
}

interface IStatement {
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

function arn(path: string): string {
  return `arn:aws:s3:::${path}`;
}

/** The writable object ARNs, or [] when nothing may be written. */
function writableResources(input: ISessionPolicyInput): string[] {
  if (input.readOnly || input.hub?.readOnly) {
    return [];
  }
  const prefixes = input.hub?.writablePrefixes;
  if (prefixes === undefined) {
    return [arn(input.bucket ? `${input.bucket}/*` : '*')];
  }
  return prefixes
    .map(writablePrefix)
    .filter(p => !input.bucket || p.startsWith(`${input.bucket}/`))
    .map(p => arn(`${p}*`));
}

/** The policy document, as STS takes it (a JSON string, at most 2048 characters packed). */
export function sessionPolicy(input: ISessionPolicyInput): string {
  const statements: IStatement[] = [
    {
      Effect: 'Allow',
      Action: input.bucket
        ? READ_ACTIONS
        : [...READ_ACTIONS, 's3:ListAllMyBuckets'],
      Resource: input.bucket
        ? [arn(input.bucket), arn(`${input.bucket}/*`)]
        : ['*']
    }
  ];
  const writable = writableResources(input);
  if (writable.length) {
    // Multipart listings are bucket-level requests: allowed on the buckets
    // written to, so an interrupted upload can be listed and aborted.
    const buckets = input.bucket
      ? [arn(input.bucket)]
      : writable[0] === arn('*')
        ? ['*']
        : [...new Set(writable.map(w => w.slice(0, w.indexOf('/'))))];
    statements.push({
      Effect: 'Allow',
      Action: WRITE_ACTIONS,
      Resource: [...writable, ...buckets]
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Whether the keys can write anywhere (shown with them). */
export function policyAllowsWrites(input: ISessionPolicyInput): boolean {
  return writableResources(input).length > 0;
}
