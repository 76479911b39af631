// rclone remotes of the types our providers register (`s3`, `google cloud
// storage`) from rclone.conf; other types (drive, sftp, ...) are not ours
// and are skipped silently.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IConfigProblem } from '@jupyter-buckets/core';
import { providerOfRcloneType } from '../backends/index.js';
import { expandHome, readIni, sectionProblem } from './files.js';
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
    const provider = providerOfRcloneType(section.get('type'));
    if (provider?.fromRclone) {
      remotes.push({ ...provider.fromRclone(section), sources: ['rclone'] });
    }
  }
  return { remotes, problems };
}

export { gcsApiEndpoint } from '../backends/gcs/index.js';
