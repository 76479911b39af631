// AWS named profiles as remotes: `[name]` in the credentials file and
// `[profile name]` (or `[default]`) in the config file, with the endpoint
// either top-level (`endpoint_url`) or in a `[services X]` section's `s3 =` block.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IConfigProblem } from '@jupyter-buckets/core';
import {
  expandHome,
  normalizeEndpoint,
  readIni,
  sectionProblem
} from './files.js';
import type { IniDocument, IniSection } from './ini.js';
import type { IDiscovery, IRemoteConfig } from './types.js';

export interface IAwsPaths {
  credentials: string;
  config: string;
}

export function awsPaths(env: NodeJS.ProcessEnv = process.env): IAwsPaths {
  return {
    credentials: expandHome(
      env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials')
    ),
    config: expandHome(env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config'))
  };
}

// Settings that let the AWS SDK obtain credentials without static keys.
const INDIRECT_CREDENTIALS = [
  'credential_process',
  'sso_session',
  'sso_start_url',
  'role_arn',
  'web_identity_token_file'
];

interface IProfile {
  name: string;
  /** Sections from both files, config first so that credentials win. */
  sections: IniSection[];
}

/** The profile a config-file section belongs to, or undefined for other sections. */
function configProfileName(section: string): string | undefined {
  if (section === 'default') {
    return 'default';
  }
  const match = /^profile\s+(.+)$/.exec(section);
  return match ? match[1].trim() : undefined;
}

function lookup(profile: IProfile, key: string): string | undefined {
  let value: string | undefined;
  for (const section of profile.sections) {
    const found = section.get(key);
    if (found !== undefined && found !== '') {
      value = found;
    }
  }
  return value;
}

/** The S3 endpoint: a `services` section's `s3 = endpoint_url` wins over the top-level one, as in the SDK. */
function endpointOf(
  profile: IProfile,
  config: IniDocument | undefined
): string | undefined {
  const services = lookup(profile, 'services');
  if (services && config) {
    for (const section of config.section(`services ${services}`)) {
      const endpoint = section.subProperties('s3').get('endpoint_url');
      if (endpoint) {
        return endpoint;
      }
    }
  }
  return lookup(profile, 'endpoint_url');
}

export function readAwsRemotes(
  env: NodeJS.ProcessEnv = process.env
): IDiscovery {
  const paths = awsPaths(env);
  const problems: IConfigProblem[] = [];
  const credentials = readIni(paths.credentials, 'aws', problems);
  const config = readIni(paths.config, 'aws', problems);

  const profiles = new Map<string, IProfile>();
  const broken = new Set<string>();
  const add = (name: string, section: IniSection, file: string): void => {
    const problem = sectionProblem(section, name, 'aws', file);
    if (problem) {
      problems.push(problem);
      broken.add(name);
    }
    const profile = profiles.get(name) ?? { name, sections: [] };
    profile.sections.push(section);
    profiles.set(name, profile);
  };
  for (const section of config?.sections ?? []) {
    const name = configProfileName(section.name);
    if (name !== undefined) {
      add(name, section, paths.config);
    } else if (section.name.startsWith('services ')) {
      const problem = sectionProblem(
        section,
        section.name,
        'aws',
        paths.config
      );
      if (problem) {
        problems.push(problem);
      }
    }
  }
  for (const section of credentials?.sections ?? []) {
    add(section.name, section, paths.credentials);
  }

  const remotes: IRemoteConfig[] = [];
  for (const profile of profiles.values()) {
    // A profile with a line we could not read may be missing a key or an
    // endpoint: better reported than used against the wrong endpoint.
    if (broken.has(profile.name)) {
      continue;
    }
    const accessKeyId = lookup(profile, 'aws_access_key_id');
    const secretAccessKey = lookup(profile, 'aws_secret_access_key');
    const hasKeys = Boolean(accessKeyId && secretAccessKey);
    const indirect = INDIRECT_CREDENTIALS.some(
      key => lookup(profile, key) !== undefined
    );
    remotes.push({
      name: profile.name,
      provider: 's3',
      sources: ['aws'],
      endpoint: normalizeEndpoint(endpointOf(profile, config)),
      region: lookup(profile, 'region'),
      anonymous: false,
      hasCredentials: hasKeys || indirect,
      s3: hasKeys
        ? {
            accessKeyId,
            secretAccessKey,
            sessionToken: lookup(profile, 'aws_session_token')
          }
        : { profile: profile.name }
    });
  }
  return { remotes, problems };
}
