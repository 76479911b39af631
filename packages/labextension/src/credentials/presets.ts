// The presets a remote is created from. Which one an existing remote fits is
// the sidecar's to say: every remote's detail names it.
import type { RemotePreset } from '@jupyter-buckets/core';

export interface IPresetInfo {
  preset: RemotePreset;
  label: string;
  description: string;
}

export const PRESETS: ReadonlyArray<IPresetInfo> = [
  {
    preset: 'aws',
    label: 'Amazon S3',
    description: 'An AWS account: region, access key and secret.'
  },
  {
    preset: 'osn',
    label: 'Open Storage Network pod',
    description:
      'An OSN pod (Ceph) at https://<pod>.osn.mghpcc.org, with the keys of your allocation.'
  },
  {
    preset: 'gcs',
    label: 'Google Cloud Storage',
    description:
      'A service-account JSON key, a key file on the server, or application default credentials.'
  },
  {
    preset: 's3-compatible',
    label: 'S3-compatible',
    description: 'MinIO, SeaweedFS, Cloudflare R2, Ceph: an endpoint and keys.'
  },
  {
    preset: 'public',
    label: 'Public bucket',
    description: 'Anonymous access to a public S3 or GCS bucket: no keys.'
  }
];

export function presetLabel(preset: RemotePreset): string {
  return PRESETS.find(p => p.preset === preset)?.label ?? preset;
}

/** The OSN pods' endpoints share one pattern; the user types the pod's name. */
export const OSN_SUFFIX = '.osn.mghpcc.org';

export function osnEndpoint(pod: string): string {
  return `https://${pod.trim()}${OSN_SUFFIX}`;
}

/** The pod's name in an OSN endpoint, or '' when it is not one. */
export function osnPod(endpoint: string | undefined): string {
  const match = /^https:\/\/([^./]+)\.osn\.mghpcc\.org\/?$/.exec(
    endpoint ?? ''
  );
  return match ? match[1] : '';
}

/** Common AWS regions for the region field's suggestions (free text too). */
export const AWS_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-south-1',
  'sa-east-1'
];
