// An object's details as the API and the CLI's --json show them.
import { baseName, type IObjectStat } from '@jupyter-buckets/core';
import type { IObjectInfo } from '../backends/types.js';

export function toObjectStat(bucket: string, info: IObjectInfo): IObjectStat {
  const stat: IObjectStat = {
    bucket,
    key: info.key,
    name: baseName(info.key),
    size: info.size
  };
  if (info.modified) {
    stat.modified = info.modified.toISOString();
  }
  for (const field of [
    'etag',
    'contentType',
    'storageClass',
    'md5',
    'crc32c'
  ] as const) {
    if (info[field]) {
      stat[field] = info[field];
    }
  }
  if (info.metadata) {
    stat.metadata = info.metadata;
  }
  return stat;
}
