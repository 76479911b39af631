// Where the AWS profile and the rclone remote of one name disagree, by field,
// with secrets masked: what the panel shows before the user picks a side.
import type { IFieldDifference } from '@jupyter-buckets/core';
import type { IRemoteConfig } from './types.js';

/** '••••' and the last four characters (nothing more of a short value). */
export function mask(value: string): string {
  return value.length >= 12 ? `••••${value.slice(-4)}` : '••••';
}

function plain(value: string | undefined): string | undefined {
  return value?.replace(/\/+$/, '') || undefined;
}

export function compareSides(
  aws: IRemoteConfig,
  rclone: IRemoteConfig
): IFieldDifference[] {
  const result: IFieldDifference[] = [];
  const compare = (
    field: IFieldDifference['field'],
    a: string | undefined,
    b: string | undefined,
    secret = false
  ): void => {
    if (a === b) {
      return;
    }
    const show = (v: string | undefined) =>
      v === undefined ? null : secret ? mask(v) : v;
    result.push({ field, aws: show(a), rclone: show(b) });
  };
  compare('endpoint', plain(aws.endpoint), plain(rclone.endpoint));
  compare('region', aws.region, rclone.region);
  compare('accessKeyId', aws.s3?.accessKeyId, rclone.s3?.accessKeyId, true);
  compare(
    'secretAccessKey',
    aws.s3?.secretAccessKey,
    rclone.s3?.secretAccessKey,
    true
  );
  return result;
}
