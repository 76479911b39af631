// What the UI tests use to check the demo S3 bucket with another client (the
// AWS CLI, profile demo-s3), and the guard that they run with the servers.
import { execFileSync } from 'child_process';

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
