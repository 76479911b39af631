// The text a user pastes on their own computer, one snippet per tool, built
// from the remote's endpoint and the credentials to carry. Pure: no I/O.
//
// Every value is quoted for the shell it lands in (single quotes, any byte
// kept) or written as a Python string literal (JSON's escaping, which Python
// reads the same), so a remote's odd name or a key's '+' and '/' cannot
// break out of a command.
import type { ITakeHomeSnippet, Provider } from '@jupyter-buckets/core';
import type { IS3Keys } from './s3.js';

export interface ISnippetSource {
  /** The AWS profile and rclone remote the snippets write on the laptop. */
  name: string;
  provider: Provider;
  /** The S3 endpoint, or the GCS API root (no /storage/v1); undefined for AWS and Google. */
  endpoint?: string;
  region?: string;
  pathStyle: boolean;
  /** rclone's provider= for S3 ('AWS', 'Ceph', 'Other'). */
  rcloneProvider: string;
  /** 'bucket' or 'bucket/prefix/'. */
  path?: string;
  anonymous: boolean;
  /** S3 keys to carry; placeholders when undefined. */
  s3Keys?: IS3Keys;
  /** A GCS access token to carry. */
  gcsToken?: string;
  /** A GCS service-account key (JSON text) to carry. */
  gcsKeyJson?: string;
  /** The keys reach one bucket only: rclone must not try to create it. */
  oneBucket: boolean;
}

/** A word as bash and zsh read it back unchanged. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value)
    ? value
    : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A Python literal of a JSON value (strings through JSON's escaping, which Python reads alike). */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) {
    return 'None';
  }
  if (value === true) {
    return 'True';
  }
  if (value === false) {
    return 'False';
  }
  if (typeof value === 'string' || typeof value === 'number') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(v => pythonLiteral(v)).join(', ')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`).join(', ')}}`;
}

const PLACEHOLDER = {
  accessKeyId: '<your access key ID>',
  secretAccessKey: '<your secret access key>'
};

function command(words: string[]): string {
  return words.map(shellQuote).join(' ');
}

/** What `aws s3 ls` lists: the path, or every bucket. */
function s3Url(path: string | undefined): string[] {
  return path ? [`s3://${path}`] : [];
}

function awsCli(s: ISnippetSource): ITakeHomeSnippet {
  const lines: string[] = [];
  const profile = ['--profile', s.name];
  if (s.anonymous) {
    lines.push(
      command([
        'aws',
        's3',
        'ls',
        ...s3Url(s.path),
        '--no-sign-request',
        ...(s.endpoint ? ['--endpoint-url', s.endpoint] : []),
        ...(s.region ? ['--region', s.region] : [])
      ])
    );
    return {
      tool: 'aws-cli',
      title: 'AWS CLI',
      language: 'shell',
      text: lines.join('\n'),
      note: 'A public bucket: no profile, no keys.'
    };
  }
  const set = (key: string, value: string): void => {
    lines.push(command(['aws', 'configure', 'set', key, value, ...profile]));
  };
  set('aws_access_key_id', s.s3Keys?.accessKeyId ?? PLACEHOLDER.accessKeyId);
  set(
    'aws_secret_access_key',
    s.s3Keys?.secretAccessKey ?? PLACEHOLDER.secretAccessKey
  );
  if (s.s3Keys?.sessionToken) {
    set('aws_session_token', s.s3Keys.sessionToken);
  }
  if (s.region) {
    set('region', s.region);
  }
  if (s.endpoint) {
    set('endpoint_url', s.endpoint);
  }
  if (s.pathStyle) {
    set('s3.addressing_style', 'path');
  }
  lines.push(command(['aws', 's3', 'ls', ...s3Url(s.path), ...profile]));
  return {
    tool: 'aws-cli',
    title: 'AWS CLI',
    language: 'shell',
    text: lines.join('\n'),
    note: `Writes the profile '${s.name}' into ~/.aws/credentials and ~/.aws/config (AWS CLI 2.13 / 1.29 or newer for endpoint_url); boto3 and s3fs read it too.`
  };
}

function rcloneRemote(s: ISnippetSource): string[] {
  if (s.provider === 's3') {
    const options = [`provider=${s.rcloneProvider}`];
    if (s.endpoint) {
      options.push(`endpoint=${s.endpoint}`);
    }
    if (s.region) {
      options.push(`region=${s.region}`);
    }
    if (!s.anonymous) {
      options.push(
        `access_key_id=${s.s3Keys?.accessKeyId ?? PLACEHOLDER.accessKeyId}`,
        `secret_access_key=${s.s3Keys?.secretAccessKey ?? PLACEHOLDER.secretAccessKey}`
      );
      if (s.s3Keys?.sessionToken) {
        options.push(`session_token=${s.s3Keys.sessionToken}`);
      }
    }
    if (s.pathStyle) {
      options.push('force_path_style=true');
    }
    if (s.oneBucket) {
      options.push('no_check_bucket=true');
    }
    return ['s3', ...options];
  }
  const options: string[] = [];
  if (s.anonymous) {
    options.push('anonymous=true');
  } else if (s.gcsToken) {
    options.push(`access_token=${s.gcsToken}`);
  } else if (s.gcsKeyJson) {
    options.push(`service_account_credentials=${s.gcsKeyJson}`);
  } else {
    // Your own Google login (gcloud auth application-default login).
    options.push('env_auth=true');
  }
  // Uniform bucket-level access, which new buckets have: no per-object ACLs sent.
  options.push('bucket_policy_only=true');
  if (s.endpoint) {
    options.push(`endpoint=${s.endpoint}/storage/v1/`);
  }
  return ['google cloud storage', ...options];
}

function rclone(s: ISnippetSource): ITakeHomeSnippet {
  const target = `${s.name}:${s.path ?? ''}`;
  return {
    tool: 'rclone',
    title: 'rclone',
    language: 'shell',
    text: [
      command([
        'rclone',
        'config',
        'create',
        s.name,
        ...rcloneRemote(s),
        '--non-interactive'
      ]),
      command(['rclone', s.path ? 'lsf' : 'lsd', target])
    ].join('\n'),
    note: `Writes the remote '${s.name}' into rclone.conf (rclone config file says where); then copy with rclone copy ./data ${target}`
  };
}

function fsspecOptions(s: ISnippetSource): [string, unknown][] {
  if (s.provider === 's3') {
    const options: [string, unknown][] = [];
    if (s.anonymous) {
      options.push(['anon', true]);
    } else {
      options.push(
        ['key', s.s3Keys?.accessKeyId ?? PLACEHOLDER.accessKeyId],
        ['secret', s.s3Keys?.secretAccessKey ?? PLACEHOLDER.secretAccessKey]
      );
      if (s.s3Keys?.sessionToken) {
        options.push(['token', s.s3Keys.sessionToken]);
      }
    }
    if (s.endpoint) {
      options.push(['endpoint_url', s.endpoint]);
    }
    if (s.region) {
      options.push(['client_kwargs', { region_name: s.region }]);
    }
    if (s.pathStyle) {
      options.push(['config_kwargs', { s3: { addressing_style: 'path' } }]);
    }
    return options;
  }
  const options: [string, unknown][] = [];
  if (s.anonymous) {
    options.push(['token', 'anon']);
  } else if (s.gcsKeyJson) {
    options.push(['token', JSON.parse(s.gcsKeyJson) as unknown]);
  } else if (!s.gcsToken) {
    options.push(['token', 'google_default']);
  }
  if (s.endpoint) {
    options.push(['endpoint_url', s.endpoint]);
  }
  return options;
}

function fsspec(s: ISnippetSource): ITakeHomeSnippet {
  const protocol = s.provider === 's3' ? 's3' : 'gs';
  // gcsfs's default class first asks Google's gRPC control plane what kind of
  // bucket it is; a custom endpoint (a hub's proxy, an emulator) does not
  // speak it, and every call would wait a minute for that to fail. The plain
  // JSON-API class is what such an endpoint serves.
  const plainGcs = s.provider === 'gcs' && s.endpoint !== undefined;
  const lines = [
    plainGcs ? 'from gcsfs.core import GCSFileSystem' : 'import fsspec'
  ];
  const args = plainGcs ? [] : [`    ${JSON.stringify(protocol)},`];
  if (s.gcsToken) {
    lines.push('from google.oauth2.credentials import Credentials');
    args.push(`    token=Credentials(${JSON.stringify(s.gcsToken)}),`);
  }
  for (const [name, value] of fsspecOptions(s)) {
    args.push(`    ${name}=${pythonLiteral(value)},`);
  }
  lines.push(
    '',
    plainGcs ? 'fs = GCSFileSystem(' : 'fs = fsspec.filesystem(',
    ...args,
    ')'
  );
  lines.push(`print(fs.ls(${JSON.stringify(s.path ?? '')}))`);
  return {
    tool: 'fsspec',
    title: 'Python (fsspec)',
    language: 'python',
    text: lines.join('\n'),
    note: `Needs ${s.provider === 's3' ? 's3fs' : 'gcsfs'} (pip install ${s.provider === 's3' ? 's3fs' : 'gcsfs'}); xarray and pandas take the same options as storage_options.`
  };
}

export function takeHomeSnippets(source: ISnippetSource): ITakeHomeSnippet[] {
  return source.provider === 's3'
    ? [awsCli(source), rclone(source), fsspec(source)]
    : [rclone(source), fsspec(source)];
}
