// A backend whose provider's SDK is loaded when its remote is first used:
// the AWS and Google SDKs are megabytes of JavaScript that `--version`, `ls`
// of a local folder or an idle sidecar never need, and a command on S3 never
// needs Google's. The factory hands out this stand-in at once (resolving a
// location stays synchronous), and each call waits for the real backend.
import { partLoaded } from '../loaded-parts.js';
import type { IProviderBackend } from './registry.js';
import type { IBackend, IObjectInfo, OptionalFeature } from './types.js';

/**
 * Every method of IBackend, once each: the compiler refuses these objects if
 * one is missing or unknown, so a method added to IBackend is forwarded.
 */
const EVERY_METHOD: Record<
  Exclude<keyof IBackend, OptionalFeature | 'capabilities'>,
  true
> = {
  listBuckets: true,
  list: true,
  stat: true,
  read: true,
  writer: true,
  put: true,
  delete: true,
  deleteMany: true
};
const EVERY_FEATURE: Record<OptionalFeature, true> = {
  copy: true,
  readBuffer: true,
  readTo: true,
  presign: true,
  makeDirectory: true,
  isFolder: true,
  walk: true,
  freeSpace: true
};

export const OPTIONAL_FEATURES = Object.keys(
  EVERY_FEATURE
) as OptionalFeature[];

/** The optional features `backend` has, in OPTIONAL_FEATURES' order. */
export function featuresOf(backend: IBackend): OptionalFeature[] {
  return OPTIONAL_FEATURES.filter(
    feature => typeof backend[feature] === 'function'
  );
}

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

const loaders = new WeakMap<IBackend, () => Promise<IBackend>>();

/**
 * A backend of `provider` that loads the real one (`load`, called once) on
 * its first call. Callers test optional features before any call (`if
 * (backend.copy)`), so the stand-in has exactly the features the provider
 * declares; lazy.test.ts checks each declaration against the real class.
 */
export function lazyBackend(
  provider: Pick<IProviderBackend, 'id' | 'capabilities' | 'features'>,
  load: () => Promise<IBackend>
): IBackend {
  const { capabilities, features } = provider;
  let loading: Promise<IBackend> | undefined;
  const real = () =>
    (loading ??= load().then(
      backend => {
        partLoaded(provider.id);
        return backend;
      },
      (error: unknown) => {
        loading = undefined; // the next call tries again
        throw error;
      }
    ));
  const forward =
    (name: keyof IBackend): AnyMethod =>
    async (...args) => {
      const backend = await real();
      const method = backend[name] as AnyMethod | undefined;
      if (typeof method !== 'function') {
        throw new Error(`The backend has no ${name}, yet declares it.`);
      }
      return method.apply(backend, args);
    };
  // walk() answers an async iterable, not a promise: forwarded as one.
  const walk = async function* (
    ...args: Parameters<NonNullable<IBackend['walk']>>
  ): AsyncGenerator<IObjectInfo[]> {
    const loaded = await real();
    if (!loaded.walk) {
      throw new Error('The backend has no walk, yet declares it.');
    }
    yield* loaded.walk(...args);
  };
  const backend = { capabilities } as Record<string, unknown>;
  const methods = Object.keys(EVERY_METHOD) as (keyof IBackend)[];
  for (const name of [...methods, ...features]) {
    backend[name] = name === 'walk' ? walk : forward(name);
  }
  loaders.set(backend as unknown as IBackend, real);
  return backend as unknown as IBackend;
}

/** The real backend behind a lazy one (loading it), or `backend` itself. */
export function loadedBackend(backend: IBackend): Promise<IBackend> {
  return loaders.get(backend)?.() ?? Promise.resolve(backend);
}
