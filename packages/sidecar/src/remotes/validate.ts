// Checking an IRemoteInput before anything is written: each refusal names the
// field at fault and says what is wrong, never echoing a secret. Every value
// that reaches a config file passes checkIniText (the writer checks again).
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { ErrorCode, Provider, RemotePreset } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { expandHome } from './files.js';
import { codePoint, unsafeIniChar } from './ini-text.js';

/** invalid_request with the IRemoteInput field at fault (the panel highlights it). */
export class FieldError extends ApiError {
  constructor(
    readonly field: string,
    message: string,
    hint?: string,
    code: ErrorCode = 'invalid_request'
  ) {
    super(code, message, hint);
  }

  override toBody() {
    const body = super.toBody();
    body.error.field = this.field;
    return body;
  }
}

export const PRESETS: RemotePreset[] = [
  'aws',
  'osn',
  's3-compatible',
  'gcs',
  'public'
];
export const MAX_NAME_LENGTH = 64;

/** A remote as it will be written, with every default decided. */
export interface IRemoteSpec {
  name: string;
  preset: RemotePreset;
  provider: Provider;
  /** http(s)://host[:port][/path], no trailing '/'. */
  endpoint?: string;
  region?: string;
  /** Only when it differs from the default (path-style for custom endpoints). */
  pathStyle?: boolean;
  anonymous: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** A service-account key to store (its text). */
  keyJson?: string;
  /** A key file already on disk. */
  keyFile?: string;
  /** GCS application default credentials. */
  envAuth: boolean;
  bookmarks: string[];
}

/** What is already saved under the name being edited (or tested). */
export interface ISaved {
  /** Its name, as found in the user's files. */
  name?: string;
  provider: Provider;
  accessKeyId?: string;
  secretAccessKey?: string;
  keyFile?: string;
  credentialsJson?: string;
}

function text(
  input: Record<string, unknown>,
  field: string
): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new FieldError(field, `${field} must be text.`);
  }
  return value;
}

function flag(
  input: Record<string, unknown>,
  field: string
): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'boolean') {
    throw new FieldError(field, `${field} must be true or false.`);
  }
  return value;
}

/**
 * Refuse a value for a config file that holds a line break or a control
 * character: written as is, it would add lines of its own (a new section, a
 * `credential_process`). Checked on the value as given, before any trimming
 * or parsing could hide the character. `what` is the field in the user's
 * words ("The endpoint"); the value itself is never echoed.
 */
export function checkIniText(
  field: string,
  what: string,
  value: string,
  hint = 'Type it again on one line (a copy from a web page or a PDF may carry invisible characters).'
): void {
  const bad = unsafeIniChar(value);
  if (bad !== undefined) {
    throw new FieldError(
      field,
      `${what} contains a line break or control character (${bad}).`,
      hint
    );
  }
}

const NAME_HINT =
  'Use letters, digits and - _ . + @ (the name is the AWS profile and the rclone remote).';

// What a name may hold: letters and digits of any script, combining marks
// (after a letter, e.g. e + U+0301), and - _ . + @.
const NAME_CHAR = /^[\p{L}\p{N}\p{M}_.+@-]$/u;
// Marks that show nothing (variation selectors, the grapheme joiner): two
// names that look the same must not be two remotes.
const INVISIBLE = /^\p{Default_Ignorable_Code_Point}$/u;

function failName(message: string): never {
  throw new FieldError('name', message, NAME_HINT);
}

/** A character a name cannot hold, said so a person can find it. */
function badNameChar(char: string): string {
  if (/^[\p{Cf}\p{Cc}]$/u.test(char) || INVISIBLE.test(char)) {
    return `an invisible or text-direction character (${codePoint(char)})`;
  }
  if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char)) {
    return `'${char}'`;
  }
  return `the character ${codePoint(char)}`;
}

/** The name of a remote being created or renamed (it becomes a section name in three files). */
export function checkName(name: string | undefined): string {
  if (name === undefined || name.trim() === '') {
    return failName('A remote needs a name.');
  }
  checkIniText('name', 'A remote name', name, NAME_HINT);
  if (/^profile\s/i.test(name)) {
    failName(
      "A name cannot start with 'profile ' (the AWS config file adds it)."
    );
  }
  if (/\s/.test(name)) {
    failName('A remote name cannot contain spaces.');
  }
  for (const bad of ['[', ']', '=', ':', '/', '\\', '#', ';']) {
    if (name.includes(bad)) {
      failName(`A remote name cannot contain '${bad}'.`);
    }
  }
  if (name.startsWith('-')) {
    failName("A remote name cannot start with '-'.");
  }
  if (name.length > MAX_NAME_LENGTH) {
    failName(`A remote name has at most ${MAX_NAME_LENGTH} characters.`);
  }
  // Bidi overrides, isolates and zero-width characters make a name read as
  // another one (in the panel, in a terminal, in the config files).
  for (const char of name) {
    if (!NAME_CHAR.test(char) || INVISIBLE.test(char)) {
      failName(`A remote name cannot contain ${badNameChar(char)}.`);
    }
  }
  if (/^\p{M}/u.test(name)) {
    failName('A remote name cannot start with a combining mark.');
  }
  return name;
}

/**
 * The unchanged name of a remote the user already has: rclone and the AWS
 * CLI allow more than we create (spaces, '$', ...), and editing such a remote
 * must keep working. It is written back as a section name, so it still takes
 * no line break or control character.
 */
function checkSavedName(name: string): string {
  checkIniText('name', 'The remote name', name, NAME_HINT);
  return name;
}

function checkKey(
  field: 'accessKeyId' | 'secretAccessKey',
  value: string | undefined,
  required: boolean
): string | undefined {
  const label = field === 'accessKeyId' ? 'access key id' : 'secret key';
  if (value === undefined) {
    if (required) {
      throw new FieldError(field, `The ${label} is missing.`);
    }
    return undefined;
  }
  if (value === '') {
    throw new FieldError(field, `The ${label} is empty.`);
  }
  if (value.trim() !== value) {
    throw new FieldError(
      field,
      `The ${label} has spaces at the start or the end.`,
      'Paste the key again without surrounding spaces or line breaks.'
    );
  }
  checkIniText(
    field,
    `The ${label}`,
    value,
    'Paste the key again: it is one line of letters, digits and symbols.'
  );
  if (/\s/.test(value)) {
    throw new FieldError(field, `The ${label} contains spaces or line breaks.`);
  }
  return value;
}

/**
 * An endpoint as it will be stored: the URL's origin and path as the URL
 * parser reads them, not as typed (the parser drops tabs and line breaks
 * that the text would keep).
 */
export function checkEndpoint(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  checkIniText(
    'endpoint',
    'The endpoint',
    value,
    'Type the URL again on one line, e.g. https://s3.example.org'
  );
  if (value.trim() === '') {
    return undefined;
  }
  const trimmed = value.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new FieldError(
      'endpoint',
      `The endpoint ${trimmed} has no scheme.`,
      `Write it with https:// (or http:// for a local server), e.g. https://${trimmed}`
    );
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new FieldError('endpoint', `The endpoint ${trimmed} is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FieldError(
      'endpoint',
      `The endpoint must be http:// or https://, not ${url.protocol}//.`
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new FieldError(
      'endpoint',
      'The endpoint must be a plain URL (no user, query or fragment).'
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function checkRegion(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  checkIniText('region', 'The region', value, 'e.g. us-east-1');
  if (value.trim() === '') {
    return undefined;
  }
  if (!/^[A-Za-z0-9_-]+$/.test(value.trim())) {
    throw new FieldError(
      'region',
      'A region is letters, digits and dashes, e.g. us-east-1.'
    );
  }
  return value.trim();
}

/** A service-account key: JSON with private_key and client_email. Returns its client_email. */
export function checkServiceAccount(text: string, field: string): string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new FieldError(
      field,
      'The service-account key is not JSON.',
      'Download the key again from the Google Cloud console (IAM > Service accounts > Keys > JSON).'
    );
  }
  const record = (
    typeof data === 'object' && data !== null ? data : {}
  ) as Record<string, unknown>;
  if (typeof record.private_key !== 'string' || !record.private_key) {
    throw new FieldError(
      field,
      'The service-account key has no private_key.',
      'Use a service-account JSON key (not an OAuth client or an API key file).'
    );
  }
  if (typeof record.client_email !== 'string' || !record.client_email) {
    throw new FieldError(
      field,
      'The service-account key has no client_email.',
      'Use a service-account JSON key (not an OAuth client or an API key file).'
    );
  }
  return record.client_email;
}

function checkBookmarks(value: unknown): string[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new FieldError('bookmarks', 'bookmarks must be a list of paths.');
  }
  const result: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') {
      throw new FieldError('bookmarks', 'Each bookmark must be text.');
    }
    // Bookmarks go to remotes.json, not INI; the same rule keeps them one line.
    checkIniText(
      'bookmarks',
      'A bookmark',
      item,
      "Write 'bucket' or 'bucket/prefix/' on one line."
    );
    const path = item.trim().replace(/^(s3|gs|gcs):\/\//i, '');
    if (!path || path.startsWith('/') || /\s/.test(path)) {
      throw new FieldError(
        'bookmarks',
        `The bookmark '${item}' is not a bucket path.`,
        "Write 'bucket' or 'bucket/prefix/'."
      );
    }
    if (!result.includes(path)) {
      result.push(path);
    }
  }
  return result;
}

export type ValidationMode = 'create' | 'edit' | 'test';

/**
 * Check an input and decide every default. `saved` is the remote being edited
 * (or tested by name), whose key or key file is kept when the input leaves it out.
 */
export function toSpec(
  raw: unknown,
  mode: ValidationMode,
  saved?: ISaved
): IRemoteSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ApiError(
      'invalid_request',
      'The request body must be a JSON object (a remote).'
    );
  }
  const input = raw as Record<string, unknown>;
  const givenName = text(input, 'name');
  const name =
    mode === 'test' && !givenName
      ? 'unsaved'
      : mode !== 'create' &&
          givenName !== undefined &&
          givenName === saved?.name
        ? checkSavedName(givenName)
        : checkName(givenName);
  const preset = text(input, 'preset') as RemotePreset | undefined;
  if (!preset || !PRESETS.includes(preset)) {
    throw new FieldError(
      'preset',
      `preset must be one of ${PRESETS.join(', ')}.`
    );
  }
  const providerText = text(input, 'provider');
  if (
    providerText !== undefined &&
    providerText !== 's3' &&
    providerText !== 'gcs'
  ) {
    throw new FieldError('provider', "provider must be 's3' or 'gcs'.");
  }
  const provider: Provider =
    preset === 'gcs'
      ? 'gcs'
      : preset === 'public'
        ? ((providerText as Provider | undefined) ?? 's3')
        : 's3';
  const endpoint = checkEndpoint(text(input, 'endpoint'));
  const region = checkRegion(text(input, 'region'));
  const pathStyle = flag(input, 'pathStyle');
  const bookmarks = checkBookmarks(input.bookmarks);
  const spec: IRemoteSpec = {
    name,
    preset,
    provider,
    endpoint,
    anonymous: preset === 'public',
    envAuth: false,
    bookmarks
  };

  if (provider === 's3') {
    if ((preset === 'osn' || preset === 's3-compatible') && !endpoint) {
      throw new FieldError(
        'endpoint',
        `The ${preset === 'osn' ? 'Open Storage Network' : 'S3-compatible'} preset needs an endpoint.`,
        preset === 'osn'
          ? 'It looks like https://<pod>.osn.mghpcc.org'
          : 'The URL of the store, e.g. https://s3.example.org'
      );
    }
    if (preset === 'aws' && !region) {
      throw new FieldError(
        'region',
        'The AWS preset needs a region.',
        'e.g. us-east-1, us-west-2, eu-central-1'
      );
    }
    // Ceph and most S3-compatible stores sign with us-east-1 when unset;
    // writing it makes the AWS CLI and rclone agree.
    spec.region = region ?? 'us-east-1';
    const custom =
      endpoint !== undefined && !/amazonaws\.com(\.cn)?(\/|$)/.test(endpoint);
    if (pathStyle !== undefined && pathStyle !== custom) {
      spec.pathStyle = pathStyle;
    }
    if (!spec.anonymous) {
      const keep = mode !== 'create' && saved?.provider === 's3';
      const accessKeyId = checkKey(
        'accessKeyId',
        text(input, 'accessKeyId'),
        !(keep && saved?.accessKeyId)
      );
      const secretAccessKey = checkKey(
        'secretAccessKey',
        text(input, 'secretAccessKey'),
        !(keep && saved?.secretAccessKey)
      );
      spec.accessKeyId = accessKeyId ?? saved?.accessKeyId;
      spec.secretAccessKey = secretAccessKey ?? saved?.secretAccessKey;
    }
    return spec;
  }

  // Google Cloud Storage.
  if (region !== undefined) {
    spec.region = region;
  }
  if (spec.anonymous) {
    return spec;
  }
  const json = text(input, 'serviceAccountJson');
  const file = text(input, 'serviceAccountFile');
  const adc = flag(input, 'useApplicationDefault') ?? false;
  const given =
    [json, file].filter(v => v !== undefined && v !== '').length +
    (adc ? 1 : 0);
  if (given > 1) {
    throw new FieldError(
      'serviceAccountJson',
      'Give one of: a service-account key, a key file path, or application default credentials.'
    );
  }
  if (json) {
    checkServiceAccount(json, 'serviceAccountJson');
    spec.keyJson = json;
  } else if (file) {
    // The path is written into rclone.conf as service_account_file.
    checkIniText(
      'serviceAccountFile',
      'The key file path',
      file,
      'Give the full path of the key file on one line.'
    );
    const path = expandHome(file.trim());
    if (!isAbsolute(path)) {
      throw new FieldError(
        'serviceAccountFile',
        'The key file path is not a full path.',
        'Give the full path of a service-account JSON key on the server (starting with / or ~/).'
      );
    }
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch {
      throw new FieldError(
        'serviceAccountFile',
        `Cannot read the key file ${path}.`,
        'Give the full path of a service-account JSON key on the server.'
      );
    }
    checkServiceAccount(content, 'serviceAccountFile');
    spec.keyFile = path;
  } else if (adc) {
    spec.envAuth = true;
  } else if (
    mode !== 'create' &&
    saved?.provider === 'gcs' &&
    (saved.keyFile || saved.credentialsJson)
  ) {
    spec.keyFile = saved.keyFile;
    if (!saved.keyFile) {
      spec.keyJson = saved.credentialsJson;
    }
  } else {
    throw new FieldError(
      'serviceAccountJson',
      'A Google Cloud Storage remote needs a service-account key, a key file, or application default credentials.',
      "Upload the JSON key, or choose 'application default credentials' on a hub that provides them."
    );
  }
  return spec;
}
