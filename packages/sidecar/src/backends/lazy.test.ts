// The providers' backends as the factory hands them out: lazy stand-ins
// that load the SDK on their first call, with the same optional features
// as the real backend (callers test them before any call). No server: the
// backends are made, not used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import './index.js';
import type { IBackendConfig } from './config.js';
import { featuresOf, lazyBackend, loadedBackend } from './lazy.js';
import { allProviders } from './registry.js';
import type { IBackend, IListPage, OptionalFeature } from './types.js';
import { CAPABILITIES } from './s3/capabilities.js';

/** A config per provider; a new provider must add one here. */
const CONFIGS: Record<string, IBackendConfig> = {
  s3: {
    name: 'lazy-s3',
    provider: 's3',
    endpoint: 'http://127.0.0.1:9',
    anonymous: true
  },
  gcs: {
    name: 'lazy-gcs',
    provider: 'gcs',
    endpoint: 'http://127.0.0.1:9',
    anonymous: true
  },
  local: {
    name: 'local',
    provider: 'local',
    anonymous: true,
    local: { root: tmpdir() }
  }
};

test('every provider has a config in this test', () => {
  assert.deepEqual(
    allProviders()
      .map(p => p.id)
      .sort(),
    Object.keys(CONFIGS).sort()
  );
});

for (const provider of allProviders()) {
  test(`${provider.id}: the declared features are the real backend's, and the factory's backend has them`, async () => {
    const backend = provider.create(CONFIGS[provider.id]);
    const real = await loadedBackend(backend);
    assert.deepEqual(featuresOf(real).sort(), [...provider.features].sort());
    assert.deepEqual(featuresOf(backend), featuresOf(real));
    // The stand-in says what the real backend will: the same capabilities.
    assert.deepEqual(backend.capabilities, real.capabilities);
    const { directUploads: _declared, ...rest } = provider.capabilities;
    assert.deepEqual(
      { ...real.capabilities, directUploads: undefined },
      { ...rest, directUploads: undefined }
    );
  });
}

test('an anonymous S3 remote offers no direct uploads (it cannot presign); one with keys does', async () => {
  const s3 = allProviders().find(p => p.id === 's3')!;
  const anonymous = s3.create(CONFIGS.s3);
  const signed = s3.create({
    ...CONFIGS.s3,
    anonymous: false,
    s3: { accessKeyId: 'AKIALAZY', secretAccessKey: 'lazy-secret' }
  });
  assert.equal(anonymous.capabilities.directUploads, undefined);
  assert.equal(signed.capabilities.directUploads, 'parts');
  assert.equal(
    (await loadedBackend(anonymous)).capabilities.directUploads,
    undefined
  );
  assert.equal(
    (await loadedBackend(signed)).capabilities.directUploads,
    'parts'
  );
});

function provider(features: OptionalFeature[]) {
  return { id: 's3' as const, capabilities: CAPABILITIES, features };
}

/** A fake backend that records its calls. */
function recorder(calls: string[]): IBackend {
  const page: IListPage = { prefixes: [], objects: [], nextToken: null };
  return {
    capabilities: CAPABILITIES,
    listBuckets: async () => [],
    list: async (bucket, options) => {
      calls.push(`list ${bucket} ${options.prefix}`);
      return page;
    },
    stat: async () => ({ key: 'k', size: 1 }),
    read: async () => {
      throw new Error('unused');
    },
    writer: async () => {
      throw new Error('unused');
    },
    put: async () => ({ key: 'k', size: 1 }),
    delete: async () => undefined,
    deleteMany: async () => ({ deleted: 0 }),
    async copy(this: IBackend, fromBucket, fromKey) {
      // `this` is the real backend: methods may use their own fields.
      calls.push(`copy ${fromBucket}/${fromKey} ${this === real}`);
      return { key: fromKey, size: 1 };
    }
  };
}

let real: IBackend | undefined;

test('a lazy backend loads the real one once, on its first call, and forwards to it', async () => {
  const calls: string[] = [];
  let loads = 0;
  const backend = lazyBackend(provider(['copy']), async () => {
    loads++;
    real = recorder(calls);
    return real;
  });
  assert.equal(loads, 0, 'nothing is loaded before a call');
  assert.equal(backend.presign, undefined);
  assert.equal(typeof backend.copy, 'function');
  const [a, b] = await Promise.all([
    backend.list('b', { prefix: 'p/', limit: 10 }),
    backend.copy!('b', 'k', 'c', 'k2')
  ]);
  assert.deepEqual(a.objects, []);
  assert.equal(b.key, 'k');
  assert.equal(loads, 1);
  assert.deepEqual(calls, ['list b p/', 'copy b/k true']);
});

test('a backend that fails to load fails the call with the reason, and the next call tries again', async () => {
  let tries = 0;
  const backend = lazyBackend(provider([]), async () => {
    tries++;
    throw new Error('no SDK here');
  });
  await assert.rejects(backend.listBuckets(), /no SDK here/);
  await assert.rejects(backend.stat('b', 'k'), /no SDK here/);
  assert.equal(tries, 2);
});

test('a feature declared but missing is a clear error, not a TypeError', async () => {
  const backend = lazyBackend(provider(['presign']), async () => recorder([]));
  await assert.rejects(backend.presign!('b', 'k', 60), /declares it/);
});

test('walk, which answers pages as an async iterable, is forwarded as one', async () => {
  const backend = lazyBackend(provider(['walk']), async () => ({
    ...recorder([]),
    async *walk(bucket: string, prefix: string, pageSize: number) {
      yield [{ key: `${bucket}/${prefix}`, size: pageSize }];
      yield [{ key: 'second', size: 0 }];
    }
  }));
  const pages: string[] = [];
  for await (const page of backend.walk!('b', 'p/', 7)) {
    pages.push(page.map(o => `${o.key}:${o.size}`).join());
  }
  assert.deepEqual(pages, ['b/p/:7', 'second:0']);
});
