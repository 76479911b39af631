// rclone remotes of type `s3` and `google cloud storage` from rclone.conf;
// other types (drive, sftp, ...) are not ours and are skipped silently.
import { existsSync } from 'node:fs';
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

/**
 * The rclone.conf rclone itself would use (rclone's fs/config makeConfigPath):
 * $RCLONE_CONFIG; else rclone.conf in its config folder
 * ($XDG_CONFIG_HOME/rclone when that is set, ~/.config/rclone otherwise) if
 * it exists; else ~/.rclone.conf if that exists; else a new file in the
 * config folder. Reading or writing another file would make a remote saved
 * here invisible to rclone, or edit one rclone does not read.
 * (rclone also prefers an rclone.conf beside its own executable; which
 * rclone runs is not known here.)
 */
export function rclonePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RCLONE_CONFIG) {
    return expandHome(env.RCLONE_CONFIG);
  }
  // rclone finds the home folder from $HOME first, as Node's homedir() does.
  const home = env.HOME || homedir();
  const folder = env.XDG_CONFIG_HOME
    ? join(env.XDG_CONFIG_HOME, 'rclone')
    : join(home, '.config', 'rclone');
  const main = join(folder, 'rclone.conf');
  if (existsSync(main)) {
    return main;
  }
  const hidden = join(home, '.rclone.conf');
  return existsSync(hidden) ? hidden : main;
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
