// What jupyter-buckets keeps for itself, outside the AWS and rclone files
// (which other tools own): the preset a remote was made from, its bookmarks,
// and the key file it wrote. A small JSON file, 0600, in the config home.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RemotePreset } from '@jupyter-buckets/core';
import { expandHome } from './files.js';
import { snapshot, type ISnapshot } from './atomic.js';

export interface IExtra {
  preset?: RemotePreset;
  bookmarks?: string[];
  /** A service-account key file this tool wrote (deleted with the remote). */
  keyFile?: string;
  /** projects/P/agentPools/A: Storage Transfer Service agents that read this store. */
  transferAgentPool?: string;
}

export interface IExtras {
  version: 1;
  remotes: Record<string, IExtra>;
}

/** ${XDG_CONFIG_HOME:-~/.config}/jupyter-buckets */
export function configHome(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME
    ? expandHome(env.XDG_CONFIG_HOME)
    : join(homedir(), '.config');
  return join(base, 'jupyter-buckets');
}

export function extrasPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configHome(env), 'remotes.json');
}

/** Where uploaded service-account keys go (folder 0700, files 0600). */
export function keysDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(configHome(env), 'keys');
}

/** Parse remotes.json; a missing or damaged file reads as empty (it only holds conveniences). */
export function parseExtras(text: string): IExtras {
  const empty: IExtras = { version: 1, remotes: {} };
  if (!text.trim()) {
    return empty;
  }
  try {
    const data = JSON.parse(text) as Partial<IExtras>;
    if (
      typeof data !== 'object' ||
      data === null ||
      typeof data.remotes !== 'object' ||
      data.remotes === null
    ) {
      return empty;
    }
    return { version: 1, remotes: data.remotes };
  } catch {
    return empty;
  }
}

export function readExtras(env: NodeJS.ProcessEnv = process.env): IExtras {
  try {
    return parseExtras(snapshot(extrasPath(env)).text);
  } catch {
    return { version: 1, remotes: {} };
  }
}

export function extrasSnapshot(env: NodeJS.ProcessEnv): {
  file: ISnapshot;
  extras: IExtras;
} {
  const file = snapshot(extrasPath(env));
  return { file, extras: parseExtras(file.text) };
}

export function extrasText(extras: IExtras): string {
  return `${JSON.stringify(extras, null, 2)}\n`;
}
