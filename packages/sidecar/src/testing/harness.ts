// The environment scripts/servers.py gives integration tests. Without it they
// fail loudly: a test that silently skips proves nothing.
export interface IHarness {
  s3Endpoint: string;
  s3AccessKey: string;
  s3SecretKey: string;
  gcsEndpoint: string;
  deadEndpoint: string;
  configDir: string;
}

const NAMES = [
  'JB_TEST_S3_ENDPOINT',
  'JB_TEST_S3_ACCESS_KEY',
  'JB_TEST_S3_SECRET_KEY',
  'JB_TEST_GCS_ENDPOINT',
  'JB_TEST_DEAD_ENDPOINT',
  'JB_TEST_CONFIG_DIR'
] as const;

export function harness(): IHarness {
  const missing = NAMES.filter(name => !process.env[name]);
  if (missing.length) {
    throw new Error(
      `These tests need the real servers; missing ${missing.join(', ')}. Run them with:\n` +
        '  .venv/bin/python scripts/servers.py run -- npm run test --workspace=@jupyter-buckets/sidecar'
    );
  }
  const env = process.env as Record<(typeof NAMES)[number], string>;
  return {
    s3Endpoint: env.JB_TEST_S3_ENDPOINT,
    s3AccessKey: env.JB_TEST_S3_ACCESS_KEY,
    s3SecretKey: env.JB_TEST_S3_SECRET_KEY,
    gcsEndpoint: env.JB_TEST_GCS_ENDPOINT,
    deadEndpoint: env.JB_TEST_DEAD_ENDPOINT,
    configDir: env.JB_TEST_CONFIG_DIR
  };
}
