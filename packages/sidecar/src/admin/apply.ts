// The admin's entries laid over the user's remotes: an entry named like a
// remote the user has (AWS profile, rclone remote) adds its rules and
// bookmarks to it; any other entry is a remote of its own, with no secret
// (the environment's credentials, a named AWS profile, or anonymous).
import type { IConfigProblem, IRemotePolicy } from '@jupyter-buckets/core';
import { writablePrefix } from '@jupyter-buckets/core';
import { isAwsEndpoint } from '../backends/s3/endpoint.js';
import type { IRemoteConfig } from '../remotes/types.js';
import type { IAdminConfig, IAdminRemote } from './load.js';

/** The rules of an entry, or undefined when it sets none. */
function policyOf(entry: IAdminRemote): IRemotePolicy | undefined {
  const policy: IRemotePolicy = { setBy: {} };
  if (entry.brokenIn) {
    policy.readOnly = true;
    policy.setBy.readOnly = entry.brokenIn;
  } else if (entry.readOnly !== undefined) {
    policy.readOnly = entry.readOnly;
    policy.setBy.readOnly = entry.setBy.readOnly;
  }
  if (entry.writablePrefixes !== undefined) {
    policy.writablePrefixes = entry.writablePrefixes.map(writablePrefix);
    policy.setBy.writablePrefixes = entry.setBy.writablePrefixes;
  }
  if (entry.purgeAfterDays !== undefined) {
    policy.purgeAfterDays = entry.purgeAfterDays;
    policy.setBy.purgeAfterDays = entry.setBy.purgeAfterDays;
  }
  return Object.keys(policy.setBy).length ? policy : undefined;
}

/** A remote defined by the admin's file, or a problem saying why not. */
function defined(
  entry: IAdminRemote,
  problems: IConfigProblem[]
): IRemoteConfig | undefined {
  const file = entry.setBy.provider ?? Object.values(entry.setBy)[0] ?? '';
  if (!entry.provider) {
    if (!entry.brokenIn) {
      problems.push({
        source: 'admin',
        file,
        remote: entry.name,
        message: `remotes.${entry.name} names no remote the user has, and has no "provider" ("s3" or "gcs") to define one; it is not shown.`
      });
    }
    return undefined;
  }
  const anonymous = entry.anonymous === true;
  // Credentials from the environment (workload identity, IRSA, an instance
  // role, AWS_* variables) show as such; a named profile or none do not.
  const fromEnvironment = !anonymous && !entry.profile;
  const base = {
    name: entry.name,
    provider: entry.provider,
    sources: fromEnvironment
      ? ['admin' as const, 'env' as const]
      : ['admin' as const],
    endpoint: entry.endpoint?.replace(/\/+$/, ''),
    region: entry.region,
    anonymous,
    hasCredentials: !anonymous
  };
  if (entry.provider === 's3') {
    if (entry.projectId !== undefined) {
      problems.push({
        source: 'admin',
        file: entry.setBy.projectId ?? file,
        remote: entry.name,
        message: `remotes.${entry.name}.projectId is for Google Cloud Storage remotes; it is ignored.`
      });
    }
    return {
      ...base,
      s3: {
        forcePathStyle: entry.pathStyle ?? !isAwsEndpoint(base.endpoint),
        ...(anonymous
          ? {}
          : entry.profile
            ? { profile: entry.profile }
            : { envAuth: true })
      }
    };
  }
  if (entry.profile !== undefined) {
    problems.push({
      source: 'admin',
      file: entry.setBy.profile ?? file,
      remote: entry.name,
      message: `remotes.${entry.name}.profile is for S3 remotes (an AWS profile); it is ignored.`
    });
  }
  return {
    ...base,
    gcs: anonymous
      ? { projectId: entry.projectId }
      : { envAuth: true, projectId: entry.projectId }
  };
}

/** Lay `admin` over the user's remotes in `byName` (adding the ones it defines). */
export function applyAdminConfig(
  admin: IAdminConfig,
  byName: Map<string, IRemoteConfig>,
  problems: IConfigProblem[]
): void {
  problems.push(...admin.problems);
  for (const entry of admin.remotes.values()) {
    let remote = byName.get(entry.name);
    if (remote && entry.provider && entry.provider !== remote.provider) {
      // Rules meant for another store: refuse writes rather than guess.
      problems.push({
        source: 'admin',
        file: entry.setBy.provider ?? '',
        remote: entry.name,
        message: `remotes.${entry.name}.provider is "${entry.provider}" but the user's remote ${entry.name} is ${remote.provider}; it refuses every write until one of them is renamed.`
      });
      remote.policy = {
        readOnly: true,
        setBy: { readOnly: entry.setBy.provider }
      };
      remote.sources = [...remote.sources, 'admin'];
      continue;
    }
    if (!remote) {
      remote = defined(entry, problems);
      if (!remote) {
        continue;
      }
      byName.set(remote.name, remote);
    } else {
      remote.sources = [...remote.sources, 'admin'];
    }
    remote.policy = policyOf(entry);
    const bookmarks = (remote.bookmarks ??= []);
    for (const path of entry.bookmarks ?? []) {
      if (!bookmarks.some(b => b.path === path)) {
        bookmarks.push({ path, source: 'admin' });
      }
    }
  }
}
