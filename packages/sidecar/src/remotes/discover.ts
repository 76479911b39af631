// All remotes the user already has, from every source, merged by name.
// Files are re-read on each call: they change under us and reading is cheap.
import type { IConfigProblem, IRemoteList } from '@jupyter-buckets/core';
import { applyAdminConfig } from '../admin/apply.js';
import { readAdminConfig } from '../admin/load.js';
import { readAwsRemotes } from './aws.js';
import { compareSides } from './differences.js';
import { readExtras } from './extras.js';
import { AGENT_POOL } from '../cloud-transfer/spec.js';
import { GCLOUD_REMOTE, readGcloudRemotes } from './gcloud.js';
import { addHubBookmarks } from './hub.js';
import { toPublicRemote } from './public.js';
import { rclonePath, readRcloneRemotes } from './rclone.js';
import type { IDiscovery, IRemoteConfig } from './types.js';
import { compareNames } from '../order.js';

/** Values from `first` win; `second` fills what `first` leaves out. */
function fill<T extends object>(
  first: T | undefined,
  second: T | undefined
): T | undefined {
  if (!first || !second) {
    return first ?? second;
  }
  const result = { ...second } as Record<string, unknown>;
  for (const [key, value] of Object.entries(first)) {
    if (value !== undefined) {
      result[key] = value;
    }
  }
  return result as T;
}

/** One remote defined both as an AWS profile and an rclone remote. AWS values win. */
function merge(aws: IRemoteConfig, rclone: IRemoteConfig): IRemoteConfig {
  return {
    name: aws.name,
    provider: 's3',
    sources: ['aws', 'rclone'],
    endpoint: aws.endpoint ?? rclone.endpoint,
    region: aws.region ?? rclone.region,
    anonymous: aws.hasCredentials ? false : rclone.anonymous,
    hasCredentials: aws.hasCredentials || rclone.hasCredentials,
    // How to authenticate comes from one side only (mixing a key id from one
    // file with a secret from the other would be a puzzle): the profile when it
    // has credentials, else rclone's keys, env_auth or anonymous access.
    s3: aws.hasCredentials
      ? fill(aws.s3, { forcePathStyle: rclone.s3?.forcePathStyle })
      : rclone.s3
  };
}

export function discoverRemotes(
  env: NodeJS.ProcessEnv = process.env
): IDiscovery {
  const aws = readAwsRemotes(env);
  const rclone = readRcloneRemotes(env);
  const gcloud = readGcloudRemotes(env);
  const problems: IConfigProblem[] = [
    ...aws.problems,
    ...rclone.problems,
    ...gcloud.problems
  ];
  const byName = new Map<string, IRemoteConfig>();
  for (const remote of aws.remotes) {
    byName.set(remote.name, remote);
  }
  for (const remote of rclone.remotes) {
    const existing = byName.get(remote.name);
    if (!existing) {
      byName.set(remote.name, remote);
    } else if (remote.provider === 's3') {
      const merged = merge(existing, remote);
      merged.differences = compareSides(existing, remote);
      byName.set(remote.name, merged);
    } else {
      problems.push({
        source: 'rclone',
        file: rclonePath(env),
        remote: remote.name,
        message: `rclone remote '${remote.name}' is Google Cloud Storage but an AWS profile has the same name; the AWS profile is used. Rename one of them.`
      });
    }
  }
  for (const remote of gcloud.remotes) {
    // An explicitly configured remote named `gcs` takes precedence.
    if (!byName.has(GCLOUD_REMOTE)) {
      byName.set(remote.name, remote);
    }
  }
  // What this tool keeps beside the files: the preset and the user's bookmarks.
  const extras = readExtras(env);
  for (const remote of byName.values()) {
    const extra = extras.remotes[remote.name];
    if (
      !extra ||
      !(remote.sources.includes('aws') || remote.sources.includes('rclone'))
    ) {
      continue;
    }
    remote.preset = extra.preset;
    if (
      extra.preset === 'public' &&
      remote.provider === 's3' &&
      !remote.hasCredentials
    ) {
      // A public remote is saved as an AWS profile without keys (the AWS tools
      // then sign nothing only with --no-sign-request); we know it is anonymous.
      remote.anonymous = true;
      remote.s3 = { forcePathStyle: remote.s3?.forcePathStyle };
    }
    if (
      typeof extra.transferAgentPool === 'string' &&
      AGENT_POOL.test(extra.transferAgentPool)
    ) {
      remote.transferAgentPool = extra.transferAgentPool;
    }
    remote.bookmarks = (extra.bookmarks ?? []).map(path => ({
      path,
      source: 'user' as const
    }));
  }
  // The admin's rules and remotes (jupyter_buckets.json) go over the user's
  // own; the hub's $SCRATCH_BUCKET may then land under a remote it defines.
  applyAdminConfig(readAdminConfig(env), byName, problems);
  addHubBookmarks(env, byName, problems);
  const remotes = [...byName.values()].sort((a, b) =>
    compareNames(a.name, b.name)
  );
  return { remotes, problems };
}

/** The list the API and the CLI show: no secrets. */
export function publicRemoteList(discovery: IDiscovery): IRemoteList {
  return {
    remotes: discovery.remotes.map(toPublicRemote),
    problems: discovery.problems
  };
}

/** Where remotes come from; tests give a fixed environment. */
export interface IRemoteStore {
  /** The environment its files are found from (also where remotes are saved). */
  env?: NodeJS.ProcessEnv;
  discover(): IDiscovery;
  get(name: string): IRemoteConfig | undefined;
}

export function remoteStore(
  env: NodeJS.ProcessEnv = process.env
): IRemoteStore {
  return {
    env,
    discover: () => discoverRemotes(env),
    get: name =>
      discoverRemotes(env).remotes.find(remote => remote.name === name)
  };
}
