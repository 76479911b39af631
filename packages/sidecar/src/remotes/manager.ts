// Managing remotes (what the HTTP API and the CLI both call): show one with
// masked hints, create, edit/rename, delete, copy one side to the other, and
// test a connection with advice. Files are re-read for every operation.
import { readFileSync } from 'node:fs';
import type {
  IConnectionTestResult,
  IRemoteDetail,
  IRemoteList,
  RemotePreset
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { toApiError } from '../backends/errors.js';
import type { BackendFactory } from '../backends/index.js';
import { isAwsEndpoint } from '../backends/s3/endpoint.js';
import type { ICommitHooks } from './atomic.js';
import { awsPaths, readAwsRemotes } from './aws.js';
import { mask } from './differences.js';
import { discoverRemotes, publicRemoteList } from './discover.js';
import { readExtras } from './extras.js';
import { readIni } from './files.js';
import { rclonePath, readRcloneRemotes } from './rclone.js';
import type { IRemoteConfig } from './types.js';
import {
  FieldError,
  toSpec,
  type IRemoteSpec,
  type ISaved
} from './validate.js';
import { profileSection, RemoteFiles } from './write.js';

const TEST_TIMEOUT_MS = 20_000;

export function inferPreset(remote: IRemoteConfig): RemotePreset {
  if (remote.anonymous) {
    return 'public';
  }
  if (remote.provider === 'gcs') {
    return 'gcs';
  }
  if (isAwsEndpoint(remote.endpoint)) {
    return 'aws';
  }
  return /osn\.mghpcc\.org(:\d+)?(\/|$)/.test(remote.endpoint ?? '')
    ? 'osn'
    : 's3-compatible';
}

function savedOf(remote: IRemoteConfig): ISaved {
  return {
    name: remote.name,
    provider: remote.provider,
    accessKeyId: remote.s3?.accessKeyId,
    secretAccessKey: remote.s3?.secretAccessKey,
    keyFile: remote.gcs?.keyFile,
    credentialsJson: remote.gcs?.credentialsJson
  };
}

/** The settings a backend needs for a spec (to test a form before saving). */
export function specToConfig(spec: IRemoteSpec): IRemoteConfig {
  const config: IRemoteConfig = {
    name: spec.name,
    provider: spec.provider,
    sources: [],
    endpoint: spec.endpoint,
    region: spec.region,
    anonymous: spec.anonymous,
    hasCredentials: !spec.anonymous,
    bookmarks: spec.bookmarks.map(path => ({ path, source: 'user' }))
  };
  if (spec.provider === 's3') {
    config.s3 = {
      accessKeyId: spec.accessKeyId,
      secretAccessKey: spec.secretAccessKey,
      forcePathStyle: spec.pathStyle
    };
  } else {
    config.gcs = {
      keyFile: spec.keyFile,
      credentialsJson: spec.keyJson,
      envAuth: spec.envAuth
    };
  }
  return config;
}

function clientEmail(path: string): string | undefined {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as {
      client_email?: unknown;
    };
    return typeof data.client_email === 'string'
      ? data.client_email
      : undefined;
  } catch {
    return undefined;
  }
}

function withTimeout<T>(work: Promise<T>, endpoint: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ApiError(
            'timeout',
            `${endpoint} did not answer within ${TEST_TIMEOUT_MS / 1000} s`,
            'Check the endpoint URL, and that the server is up.'
          )
        ),
      TEST_TIMEOUT_MS
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export class RemoteManager {
  constructor(
    readonly env: NodeJS.ProcessEnv = process.env,
    /** Test hook: runs between the checks and the renames of a save. */
    readonly hooks: ICommitHooks = {}
  ) {}

  list(): IRemoteList {
    return publicRemoteList(discoverRemotes(this.env));
  }

  private lookup(name: string): IRemoteConfig | undefined {
    return discoverRemotes(this.env).remotes.find(r => r.name === name);
  }

  private find(name: string): IRemoteConfig {
    const remote = this.lookup(name);
    if (!remote) {
      throw new ApiError(
        'remote_not_found',
        `No remote named ${name}.`,
        'Check the name, or refresh the list of remotes.'
      );
    }
    return remote;
  }

  private findEditable(name: string): IRemoteConfig {
    const remote = this.find(name);
    if (!editable(remote)) {
      throw new ApiError(
        'invalid_request',
        `Remote ${name} comes from the environment (${remote.sources.join(', ')}), not from a config file; it cannot be changed here.`,
        'Create a remote with another name instead.'
      );
    }
    return remote;
  }

  private assertFree(name: string, files: RemoteFiles): void {
    const taken =
      this.lookup(name) !== undefined ||
      files.rcloneType(name) !== undefined ||
      files.credentialsEdit.hasSection(name) ||
      files.configEdit.hasSection(profileSection(name));
    if (taken) {
      throw new FieldError(
        'name',
        `A remote (AWS profile or rclone remote) named ${name} exists already.`,
        'Choose another name, or edit that remote.',
        'remote_exists'
      );
    }
  }

  detail(name: string): IRemoteDetail {
    const remote = this.find(name);
    const detail: IRemoteDetail = {
      name: remote.name,
      provider: remote.provider,
      preset: remote.preset ?? inferPreset(remote),
      sources: [...remote.sources],
      anonymous: remote.anonymous,
      hasCredentials: remote.hasCredentials,
      bookmarks: (remote.bookmarks ?? []).map(b => ({ ...b })),
      files: this.filesOf(remote),
      differences: (remote.differences ?? []).map(d => ({ ...d })),
      editable: editable(remote)
    };
    if (remote.endpoint) {
      detail.endpoint = remote.endpoint;
    }
    if (remote.region) {
      detail.region = remote.region;
    }
    if (remote.s3?.forcePathStyle !== undefined) {
      detail.pathStyle = remote.s3.forcePathStyle;
    }
    if (remote.s3?.accessKeyId) {
      detail.accessKeyIdHint = mask(remote.s3.accessKeyId);
    }
    if (remote.s3?.secretAccessKey) {
      detail.secretAccessKeyHint = mask(remote.s3.secretAccessKey);
    }
    if (remote.gcs?.keyFile) {
      detail.serviceAccountFile = remote.gcs.keyFile;
      const email = clientEmail(remote.gcs.keyFile);
      if (email) {
        detail.serviceAccountEmail = email;
      }
    }
    if (remote.gcs?.envAuth) {
      detail.useApplicationDefault = true;
    }
    return detail;
  }

  private filesOf(remote: IRemoteConfig): IRemoteDetail['files'] {
    const files: IRemoteDetail['files'] = [];
    const aws = awsPaths(this.env);
    const ignored: never[] = [];
    if (remote.sources.includes('aws')) {
      if (
        readIni(aws.credentials, 'aws', ignored)?.section(remote.name).length
      ) {
        files.push({ source: 'aws', path: aws.credentials });
      }
      if (
        readIni(aws.config, 'aws', ignored)?.section(
          profileSection(remote.name)
        ).length
      ) {
        files.push({ source: 'aws', path: aws.config });
      }
    }
    if (remote.sources.includes('rclone')) {
      files.push({ source: 'rclone', path: rclonePath(this.env) });
    }
    if (remote.gcs?.keyFile) {
      files.push({
        source: remote.sources.includes('env') ? 'env' : 'gcloud',
        path: remote.gcs.keyFile
      });
    }
    // The admin's files that set its rules (read-only here: the admin's).
    for (const path of new Set(Object.values(remote.policy?.setBy ?? {}))) {
      files.push({ source: 'admin', path });
    }
    return files;
  }

  /** Write `spec` into `files` (both worlds), replacing what `previous` had. */
  private apply(
    files: RemoteFiles,
    spec: IRemoteSpec,
    previous?: IRemoteConfig
  ): void {
    const oldName = previous?.name ?? spec.name;
    const owned = files.extras.remotes[oldName]?.keyFile;
    let keyFile = spec.keyFile;
    let keyJson = spec.keyJson;
    if (owned && keyFile === owned && oldName !== spec.name) {
      // Our key file follows the remote's new name.
      keyJson = readFileSync(owned, 'utf8');
      keyFile = undefined;
    }
    let ownedNow: string | undefined;
    if (keyJson !== undefined && keyFile === undefined) {
      keyFile = files.writeKey(spec.name, keyJson);
      ownedNow = keyFile;
    } else if (keyFile !== undefined && keyFile === owned) {
      ownedNow = owned;
    }
    if (owned && owned !== ownedNow) {
      files.deleteFile(owned);
    }
    if (spec.provider === 's3') {
      files.writeAws(spec, previous?.s3?.accessKeyId);
      files.writeRclone(spec);
    } else {
      files.removeAws(spec.name);
      files.writeRclone(spec, keyFile);
    }
    delete files.extras.remotes[oldName];
    files.extras.remotes[spec.name] = {
      preset: spec.preset,
      bookmarks: spec.bookmarks,
      ...(ownedNow ? { keyFile: ownedNow } : {})
    };
  }

  create(input: unknown): IRemoteDetail {
    const spec = toSpec(input, 'create');
    const files = new RemoteFiles(this.env);
    this.assertFree(spec.name, files);
    files.assertValid(['aws', 'rclone']);
    this.apply(files, spec);
    files.commit(this.hooks);
    return this.detail(spec.name);
  }

  update(name: string, input: unknown): IRemoteDetail {
    const current = this.findEditable(name);
    const body =
      typeof input === 'object' && input !== null && !Array.isArray(input)
        ? { name, ...(input as Record<string, unknown>) }
        : input;
    const spec = toSpec(body, 'edit', savedOf(current));
    const files = new RemoteFiles(this.env);
    files.assertValid(['aws', 'rclone']);
    if (spec.name !== name) {
      assertNoRulesLost(current);
      this.assertFree(spec.name, files);
      files.credentialsEdit.renameSection(name, spec.name);
      files.configEdit.renameSection(
        profileSection(name),
        profileSection(spec.name)
      );
      if (files.isOurRcloneType(name)) {
        files.rcloneEdit.renameSection(name, spec.name);
      }
    }
    this.apply(files, spec, current);
    files.commit(this.hooks);
    return this.detail(spec.name);
  }

  remove(name: string): void {
    this.findEditable(name);
    const files = new RemoteFiles(this.env);
    files.assertValid(['aws', 'rclone']);
    files.removeAws(name);
    if (files.isOurRcloneType(name)) {
      files.rcloneEdit.removeSection(name);
    }
    const owned = files.extras.remotes[name]?.keyFile;
    if (owned) {
      files.deleteFile(owned);
    }
    delete files.extras.remotes[name];
    files.commit(this.hooks);
  }

  /** Make one side (AWS profile or rclone remote) a copy of the other. */
  sync(name: string, body: unknown): IRemoteDetail {
    const from = (body as { from?: unknown } | null)?.from;
    if (from !== 'aws' && from !== 'rclone') {
      throw new FieldError('from', "from must be 'aws' or 'rclone'.");
    }
    const remote = this.findEditable(name);
    if (remote.provider !== 's3') {
      throw new ApiError(
        'invalid_request',
        `Remote ${name} is Google Cloud Storage: it has no AWS profile to copy.`
      );
    }
    const side = (
      from === 'aws' ? readAwsRemotes(this.env) : readRcloneRemotes(this.env)
    ).remotes.find(r => r.name === name && r.provider === 's3');
    if (!side) {
      throw new ApiError(
        'invalid_request',
        `Remote ${name} has no ${from === 'aws' ? 'AWS profile' : 'rclone remote'} to copy from.`,
        `Copy from ${from === 'aws' ? 'rclone' : 'aws'} instead.`
      );
    }
    const extra = readExtras(this.env).remotes[name];
    const anonymous =
      side.anonymous || (extra?.preset === 'public' && !side.hasCredentials);
    const hasKeys = Boolean(side.s3?.accessKeyId && side.s3?.secretAccessKey);
    if (!anonymous && !hasKeys) {
      throw new ApiError(
        'invalid_request',
        `The ${from === 'aws' ? 'AWS profile' : 'rclone remote'} ${name} gets its credentials another way (SSO, a role, the environment), not from keys; that cannot be copied.`,
        'Edit the remote and enter its keys instead.'
      );
    }
    const spec: IRemoteSpec = {
      name,
      preset: extra?.preset ?? inferPreset({ ...side, anonymous }),
      provider: 's3',
      endpoint: side.endpoint,
      region: side.region ?? 'us-east-1',
      pathStyle: side.s3?.forcePathStyle,
      anonymous,
      accessKeyId: anonymous ? undefined : side.s3?.accessKeyId,
      secretAccessKey: anonymous ? undefined : side.s3?.secretAccessKey,
      envAuth: false,
      bookmarks: []
    };
    const files = new RemoteFiles(this.env);
    if (from === 'aws') {
      files.assertValid(['rclone']);
      files.writeRclone(spec);
    } else {
      files.assertValid(['aws']);
      files.writeAws(spec, remote.s3?.accessKeyId);
    }
    files.commit(this.hooks);
    return this.detail(name);
  }

  /** POST /remote-tests: list buckets, or head the first bookmark when listing is denied. */
  async test(
    body: unknown,
    backends: BackendFactory
  ): Promise<IConnectionTestResult> {
    const request = (typeof body === 'object' && body !== null ? body : {}) as {
      name?: unknown;
      input?: unknown;
    };
    let remote: IRemoteConfig;
    if (request.input !== undefined) {
      const named = (request.input as { name?: unknown } | null)?.name;
      const saved = typeof named === 'string' ? this.lookup(named) : undefined;
      remote = specToConfig(
        toSpec(request.input, 'test', saved ? savedOf(saved) : undefined)
      );
    } else if (typeof request.name === 'string' && request.name) {
      remote = this.find(request.name);
    } else {
      throw new FieldError(
        'name',
        'Give the name of a saved remote, or an input to test.'
      );
    }
    const started = Date.now();
    const endpoint = remote.endpoint ?? remote.provider;
    const context = {
      remote: remote.name,
      endpoint,
      anonymous: remote.anonymous
    };
    const failed = (
      error: unknown,
      checked: IConnectionTestResult['checked'],
      bucket?: string
    ): IConnectionTestResult => ({
      ok: false,
      checked,
      error: toApiError(error, { ...context, bucket }).toBody().error,
      elapsedMs: Date.now() - started
    });
    let backend;
    try {
      backend = backends(remote);
    } catch (error) {
      return failed(error, 'list-buckets');
    }
    try {
      const buckets = await withTimeout(backend.listBuckets(), endpoint);
      return {
        ok: true,
        checked: 'list-buckets',
        buckets: buckets.length,
        elapsedMs: Date.now() - started
      };
    } catch (error) {
      const apiError = toApiError(error, context);
      const bookmark = remote.bookmarks?.[0]?.path;
      if (apiError.code !== 'access_denied' || !bookmark) {
        return failed(apiError, 'list-buckets');
      }
      const [bucket, ...rest] = bookmark.split('/');
      try {
        await withTimeout(
          backend.list(bucket, { prefix: rest.join('/'), limit: 1 }),
          endpoint
        );
        return {
          ok: true,
          checked: 'bookmark',
          elapsedMs: Date.now() - started
        };
      } catch (inner) {
        return failed(inner, 'bookmark', bucket);
      }
    }
  }
}

/**
 * The hub admin's rules follow a remote's name: renamed, a governed remote
 * would shed them (a read-only remote would take writes again). Such a
 * rename is refused, naming the file the rules are in.
 */
function assertNoRulesLost(remote: IRemoteConfig): void {
  const policy = remote.policy;
  if (!policy?.readOnly && !policy?.writablePrefixes) {
    return;
  }
  const file =
    policy.setBy.readOnly ??
    policy.setBy.writablePrefixes ??
    'the admin configuration';
  throw new ApiError(
    'invalid_request',
    `Remote ${remote.name} has the hub admin's rules (in ${file}), which follow its name; renamed, it would lose them.`,
    'Keep the name; other settings can still be edited.'
  );
}

function editable(remote: IRemoteConfig): boolean {
  return remote.sources.includes('aws') || remote.sources.includes('rclone');
}
