// A hub admin's jupyter_buckets.json files, read and merged as Jupyter
// merges its config: each file is checked against jupyter_buckets.schema.json,
// then files of higher precedence override those below, setting by setting
// (a list replaces a list). A bad file or entry is reported, naming the file,
// the key and what is wrong; the good entries still apply.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { IConfigProblem } from '@jupyter-buckets/core';
import type { ErrorObject } from 'ajv';
import { printable } from '../api-error.js';
import { configFiles } from './paths.js';
import validate from './validate-config.js';

/** The settings of one entry under "remotes", as the schema allows them. */
export interface IAdminEntry {
  provider?: 's3' | 'gcs';
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  anonymous?: boolean;
  profile?: string;
  projectId?: string;
  readOnly?: boolean;
  writablePrefixes?: string[];
  purgeAfterDays?: number;
  bookmarks?: string[];
}

/** One remote's merged settings, with the file each came from. */
export interface IAdminRemote extends IAdminEntry {
  name: string;
  setBy: Partial<Record<keyof IAdminEntry, string>>;
  /**
   * Set when an entry for it did not validate: its rules are unknown, so the
   * remote is refused every write until the file is fixed (a broken rule
   * must not open what it meant to close). The file at fault.
   */
  brokenIn?: string;
}

export interface IAdminConfig {
  remotes: Map<string, IAdminRemote>;
  /** The files that were found and read, highest precedence first. */
  files: string[];
  problems: IConfigProblem[];
}

const USERNAME = '{username}';

/** Whose folders {username} names: $JUPYTERHUB_USER, else the login name. */
export function hubUsername(env: NodeJS.ProcessEnv): string | undefined {
  if (env.JUPYTERHUB_USER) {
    return env.JUPYTERHUB_USER;
  }
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/** A JSON pointer's last part, as the user wrote the key. */
function keyPath(error: ErrorObject): string[] {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') {
    parts.push(String(error.params.additionalProperty));
  }
  if (error.keyword === 'propertyNames') {
    parts.push(String(error.params.propertyName));
  }
  return parts;
}

/** "must be boolean", "is not allowed here", ... for the user. */
function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'is not a setting jupyter-buckets knows (see jupyter_buckets.schema.json)';
    case 'propertyNames':
      return `is not a usable remote name (no spaces, ':', '/', '[', ']', '=', '#', ';' or control characters; at most 64 characters)`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return 'has characters or a form that is not allowed here';
    default:
      return error.message ?? 'is not valid';
  }
}

/** Quoted for a message: a name from the file may hold anything. */
function shown(part: string): string {
  const text = printable(part);
  return /^[A-Za-z0-9_.-]+$/.test(text) ? text : JSON.stringify(text);
}

/** Fill in {username}; undefined when the name cannot be used in a path. */
function expand(
  path: string,
  username: string | undefined
): string | undefined {
  if (!path.includes(USERNAME)) {
    return path;
  }
  if (
    !username ||
    username === '.' ||
    username === '..' ||
    // eslint-disable-next-line no-control-regex -- controls are what is refused
    /[/\\\u0000-\u001f\u007f-\u009f]/.test(username)
  ) {
    return undefined;
  }
  return path.split(USERNAME).join(username);
}

interface IFileEntries {
  entries: Map<string, IAdminEntry>;
  /** Remotes whose entry in this file did not validate. */
  broken: Set<string>;
}

/** One file's valid entries; its problems go to `problems`. Undefined when missing. */
function readFile(
  file: string,
  problems: IConfigProblem[]
): IFileEntries | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      problems.push({
        source: 'admin',
        file,
        message: `Cannot read the file: ${code ?? String(error)}. Its rules are not applied.`
      });
    }
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    problems.push({
      source: 'admin',
      file,
      message: `Not valid JSON (${(error as Error).message}); none of its settings are applied. Check it with python -m json.tool.`
    });
    return undefined;
  }
  const result: IFileEntries = { entries: new Map(), broken: new Set() };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push({
      source: 'admin',
      file,
      message: 'Must be a JSON object ({"remotes": {...}}); it is not applied.'
    });
    return result;
  }
  validate(data);
  // A bad remote name is one error of its own (ajv adds the inner one too,
  // marked with the name).
  const errors = (validate.errors ?? []).filter(
    error =>
      error.keyword === 'propertyNames' ||
      (error as { propertyName?: string }).propertyName === undefined
  );
  for (const error of errors) {
    const path = keyPath(error);
    // An entry's errors name it; the file's own (an unknown top-level key, a
    // bad remote name) do not stop the good entries.
    const remote =
      path[0] === 'remotes' &&
      path.length >= 2 &&
      error.keyword !== 'propertyNames'
        ? path[1]
        : undefined;
    if (remote !== undefined) {
      result.broken.add(remote);
    }
    problems.push({
      source: 'admin',
      file,
      ...(remote !== undefined ? { remote } : {}),
      message: `${path.length ? path.map(shown).join('.') : 'The file'} ${describe(error)}.${remote !== undefined ? ` The entry is not applied until it is fixed, and remote ${shown(remote)}, if the user has one, refuses every write meanwhile.` : ''}`
    });
  }
  const remotes = (data as { remotes?: unknown }).remotes;
  if (
    typeof remotes !== 'object' ||
    remotes === null ||
    Array.isArray(remotes)
  ) {
    return result;
  }
  const badNames = new Set(
    errors
      .filter(error => error.keyword === 'propertyNames')
      .map(error => String(error.params.propertyName))
  );
  for (const [name, entry] of Object.entries(remotes)) {
    if (!badNames.has(name) && !result.broken.has(name)) {
      result.entries.set(name, entry as IAdminEntry);
    }
  }
  return result;
}

/** Every file's entries merged, the higher precedence winning per setting. */
export function readAdminConfig(
  env: NodeJS.ProcessEnv = process.env
): IAdminConfig {
  const problems: IConfigProblem[] = [];
  const files: string[] = [];
  const remotes = new Map<string, IAdminRemote>();
  const username = hubUsername(env);
  const read = configFiles(env).map(file => ({
    file,
    entries: readFile(file, problems)
  }));
  // Lowest precedence first, so that each file overrides what came before.
  for (const { file, entries } of read.reverse()) {
    if (!entries) {
      continue;
    }
    files.unshift(file);
    for (const [name, entry] of entries.entries) {
      const remote = remotes.get(name) ?? { name, setBy: {} };
      for (const [key, value] of Object.entries(entry) as [
        keyof IAdminEntry,
        unknown
      ][]) {
        (remote as unknown as Record<string, unknown>)[key] = value;
        remote.setBy[key] = file;
      }
      remotes.set(name, remote);
    }
    for (const name of entries.broken) {
      const remote = remotes.get(name) ?? { name, setBy: {} };
      remote.brokenIn = file;
      remotes.set(name, remote);
    }
  }
  for (const remote of remotes.values()) {
    for (const field of ['writablePrefixes', 'bookmarks'] as const) {
      const paths = remote[field];
      if (!paths) {
        continue;
      }
      const expanded = paths.map(path => expand(path, username));
      if (expanded.includes(undefined)) {
        problems.push({
          source: 'admin',
          file: remote.setBy[field] ?? '',
          remote: remote.name,
          message: `remotes.${shown(remote.name)}.${field}: {username} cannot be filled in (the user name ${username === undefined ? 'is unknown' : `${shown(username)} cannot be part of a path`}); those paths are left out.`
        });
      }
      remote[field] = expanded.filter((path): path is string => !!path);
    }
  }
  return { remotes, files, problems };
}
