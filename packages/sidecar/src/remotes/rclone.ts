// rclone remotes of type `s3` and `google cloud storage` from rclone.conf;
// other types (drive, sftp, ...) are not ours and are skipped silently.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IConfigProblem } from '@jupyter-buckets/core';
import {
  expandHome,
  isTrue,
  normalizeEndpoint,
  readIni,
  sectionProblem
} from './files.js';
import type { IniSection } from './ini.js';
import type { IDiscovery, IRemoteConfig } from './types.js';

export function rclonePath(env: NodeJS.ProcessEnv = process.env): string {
  return expandHome(
    env.RCLONE_CONFIG || join(homedir(), '.config', 'rclone', 'rclone.conf')
  );
}

function s3Remote(section: IniSection): IRemoteConfig {
  const accessKeyId = section.get('access_key_id') || undefined;
  const secretAccessKey = section.get('secret_access_key') || undefined;
  const hasKeys = Boolean(accessKeyId && secretAccessKey);
  const envAuth = isTrue(section.get('env_auth'));
  const forcePathStyle = section.get('force_path_style');
  return {
    name: section.name,
    provider: 's3',
    sources: ['rclone'],
    endpoint: normalizeEndpoint(section.get('endpoint')),
    region: section.get('region') || undefined,
    // rclone's rule: no keys and no env_auth means anonymous access.
    anonymous: !hasKeys && !envAuth,
    hasCredentials: hasKeys || envAuth,
    s3: {
      accessKeyId,
      secretAccessKey,
      sessionToken: section.get('session_token') || undefined,
      envAuth: !hasKeys && envAuth,
      forcePathStyle:
        forcePathStyle === undefined ? undefined : isTrue(forcePathStyle)
    }
  };
}

/** rclone writes the GCS endpoint as `https://host/storage/v1/`; the SDK wants the root. */
export function gcsApiEndpoint(
  endpoint: string | undefined
): string | undefined {
  const normalized = normalizeEndpoint(endpoint);
  return normalized?.replace(/\/storage\/v1\/?$/, '').replace(/\/+$/, '');
}

function gcsRemote(section: IniSection): IRemoteConfig {
  const keyFile = section.get('service_account_file') || undefined;
  const credentialsJson =
    section.get('service_account_credentials') || undefined;
  const anonymous = isTrue(section.get('anonymous'));
  const envAuth = isTrue(section.get('env_auth'));
  return {
    name: section.name,
    provider: 'gcs',
    sources: ['rclone'],
    endpoint: gcsApiEndpoint(section.get('endpoint')),
    anonymous,
    hasCredentials:
      !anonymous && Boolean(keyFile || credentialsJson || envAuth),
    gcs: {
      keyFile: keyFile ? expandHome(keyFile) : undefined,
      credentialsJson,
      projectId: section.get('project_number') || undefined,
      envAuth
    }
  };
}

export function readRcloneRemotes(
  env: NodeJS.ProcessEnv = process.env
): IDiscovery {
  const file = rclonePath(env);
  const problems: IConfigProblem[] = [];
  const doc = readIni(file, 'rclone', problems);
  const remotes: IRemoteConfig[] = [];
  for (const section of doc?.sections ?? []) {
    const problem = sectionProblem(section, section.name, 'rclone', file);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const type = section.get('type');
    if (type === 's3') {
      remotes.push(s3Remote(section));
    } else if (type === 'google cloud storage' || type === 'gcs') {
      remotes.push(gcsRemote(section));
    }
  }
  return { remotes, problems };
}
