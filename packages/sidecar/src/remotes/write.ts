// Saving a remote in both worlds under one name: an AWS profile (keys in the
// credentials file, `[profile NAME]` with endpoint_url and region in the
// config file) and an rclone remote; for GCS an rclone remote pointing at a
// service-account key stored 0600 under the config home. Every file is read,
// checked (valid INI, not changed meanwhile) and written together or not at all.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../api-error.js';
import {
  commitAll,
  snapshot,
  type ICommitHooks,
  type IPlannedWrite,
  type ISnapshot
} from './atomic.js';
import { awsPaths } from './aws.js';
import { extrasSnapshot, extrasText, keysDir, type IExtras } from './extras.js';
import { IniDocument } from './ini.js';
import { IniEditor } from './ini-edit.js';
import { rclonePath } from './rclone.js';
import type { IRemoteSpec } from './validate.js';
import { providerOfRcloneType } from '../backends/index.js';

/** The config-file section of an AWS profile. */
export function profileSection(name: string): string {
  return name === 'default' ? 'default' : `profile ${name}`;
}

/** rclone's `provider` for an S3 remote. */
export function rcloneProvider(
  spec: IRemoteSpec,
  current: string | undefined
): string {
  if (spec.preset === 'aws') {
    return 'AWS';
  }
  if (spec.preset === 'osn') {
    return 'Ceph';
  }
  const host = spec.endpoint ? new URL(spec.endpoint).hostname : '';
  if (!spec.endpoint || /amazonaws\.com(\.cn)?$/.test(host)) {
    return 'AWS';
  }
  if (/osn\.mghpcc\.org$/.test(host)) {
    return 'Ceph';
  }
  if (/r2\.cloudflarestorage\.com$/.test(host)) {
    return 'Cloudflare';
  }
  if (/wasabisys\.com$/.test(host)) {
    return 'Wasabi';
  }
  if (/digitaloceanspaces\.com$/.test(host)) {
    return 'DigitalOcean';
  }
  // Keep what the user (or another tool) chose for this endpoint before.
  return current || 'Other';
}

/** rclone's GCS endpoint is the JSON API base ('.../storage/v1/'). */
export function rcloneGcsEndpoint(endpoint: string): string {
  return /\/storage\/v1\/?$/.test(endpoint)
    ? endpoint.replace(/\/?$/, '/')
    : `${endpoint}/storage/v1/`;
}

function invalid(file: ISnapshot): ApiError | undefined {
  const error = IniDocument.parse(file.text).errors[0];
  if (!error) {
    return undefined;
  }
  return new ApiError(
    'config_invalid',
    `${file.path} is not valid INI (line ${error.line}: ${error.message.replace(/^line \d+: /, '')}); it was not changed.`,
    'Fix that line by hand (nothing was written), then save again.'
  );
}

/** One editing session over every file a remote lives in. */
export class RemoteFiles {
  readonly credentials: ISnapshot;
  readonly config: ISnapshot;
  readonly rclone: ISnapshot;
  readonly extrasFile: ISnapshot;
  readonly credentialsEdit: IniEditor;
  readonly configEdit: IniEditor;
  readonly rcloneEdit: IniEditor;
  readonly extras: IExtras;
  private readonly others: IPlannedWrite[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {
    const aws = awsPaths(env);
    this.credentials = snapshot(aws.credentials);
    this.config = snapshot(aws.config);
    this.rclone = snapshot(rclonePath(env));
    const extras = extrasSnapshot(env);
    this.extrasFile = extras.file;
    this.extras = extras.extras;
    this.credentialsEdit = new IniEditor(this.credentials.text);
    this.configEdit = new IniEditor(this.config.text);
    this.rcloneEdit = new IniEditor(this.rclone.text);
  }

  /** The rclone `type` of section `name`, if it exists. */
  rcloneType(name: string): string | undefined {
    const sections = IniDocument.parse(this.rcloneEdit.toString()).section(
      name
    );
    return sections.length
      ? (sections[sections.length - 1].get('type') ?? '')
      : undefined;
  }

  rcloneValue(name: string, key: string): string | undefined {
    const sections = IniDocument.parse(this.rcloneEdit.toString()).section(
      name
    );
    return sections[sections.length - 1]?.get(key);
  }

  isOurRcloneType(name: string): boolean {
    return providerOfRcloneType(this.rcloneType(name)) !== undefined;
  }

  /** Write the AWS side of an S3 remote. */
  writeAws(spec: IRemoteSpec, savedKeyId?: string): void {
    const { name } = spec;
    if (spec.anonymous || !spec.accessKeyId || !spec.secretAccessKey) {
      this.credentialsEdit.remove(name, 'aws_access_key_id');
      this.credentialsEdit.remove(name, 'aws_secret_access_key');
      this.credentialsEdit.remove(name, 'aws_session_token');
      this.dropIfEmpty(this.credentialsEdit, name);
    } else {
      this.credentialsEdit.assign(name, {
        aws_access_key_id: spec.accessKeyId,
        aws_secret_access_key: spec.secretAccessKey
      });
      if (savedKeyId !== spec.accessKeyId) {
        // A session token belongs to the old key pair.
        this.credentialsEdit.remove(name, 'aws_session_token');
      }
    }
    this.configEdit.assign(profileSection(name), {
      region: spec.region,
      endpoint_url: spec.endpoint
    });
  }

  removeAws(name: string): void {
    this.credentialsEdit.removeSection(name);
    this.configEdit.removeSection(profileSection(name));
  }

  /** Write the rclone side of a remote (S3 or GCS). */
  writeRclone(spec: IRemoteSpec, keyFile?: string): void {
    const { name } = spec;
    const edit = this.rcloneEdit;
    if (spec.provider === 's3') {
      const keys = !spec.anonymous && spec.accessKeyId && spec.secretAccessKey;
      edit.assign(name, {
        type: 's3',
        provider: rcloneProvider(spec, this.rcloneValue(name, 'provider')),
        env_auth: undefined,
        access_key_id: keys ? spec.accessKeyId : undefined,
        secret_access_key: keys ? spec.secretAccessKey : undefined,
        session_token: undefined,
        region: spec.region,
        endpoint: spec.endpoint,
        force_path_style:
          spec.pathStyle === undefined ? undefined : String(spec.pathStyle),
        service_account_file: undefined,
        service_account_credentials: undefined,
        anonymous: undefined
      });
      return;
    }
    edit.assign(name, {
      type: 'google cloud storage',
      provider: undefined,
      access_key_id: undefined,
      secret_access_key: undefined,
      session_token: undefined,
      region: undefined,
      force_path_style: undefined,
      service_account_file: keyFile,
      service_account_credentials: undefined,
      env_auth: spec.envAuth ? 'true' : undefined,
      anonymous: spec.anonymous ? 'true' : undefined,
      endpoint: spec.endpoint ? rcloneGcsEndpoint(spec.endpoint) : undefined
    });
  }

  private dropIfEmpty(edit: IniEditor, section: string): void {
    const sections = IniDocument.parse(edit.toString()).section(section);
    if (sections.length && sections.every(s => s.entries.length === 0)) {
      edit.removeSection(section);
    }
  }

  /** Store a service-account key (0600 in a 0700 folder); returns its path. */
  writeKey(name: string, json: string): string {
    const dir = keysDir(this.env);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const path = join(dir, `${name}.json`);
    this.others.push({ snapshot: snapshot(path), text: json });
    return path;
  }

  deleteFile(path: string): void {
    const file = snapshot(path);
    if (file.exists) {
      this.others.push({ snapshot: file, text: null });
    }
  }

  /** Refuse (and write nothing) when a file we would change is not valid INI. */
  private checkValid(): void {
    const pairs: [ISnapshot, IniEditor][] = [
      [this.credentials, this.credentialsEdit],
      [this.config, this.configEdit],
      [this.rclone, this.rcloneEdit]
    ];
    for (const [file, edit] of pairs) {
      if (edit.toString() !== file.text) {
        const error = invalid(file);
        if (error) {
          throw error;
        }
      }
    }
  }

  /** Refuse early (before computing edits) when any file we may touch is broken. */
  assertValid(files: ('aws' | 'rclone')[]): void {
    const list =
      files.includes('aws') && files.includes('rclone')
        ? [this.credentials, this.config, this.rclone]
        : files.includes('aws')
          ? [this.credentials, this.config]
          : [this.rclone];
    for (const file of list) {
      const error = invalid(file);
      if (error) {
        throw error;
      }
    }
  }

  commit(hooks: ICommitHooks = {}): void {
    this.checkValid();
    commitAll(
      [
        { snapshot: this.credentials, text: this.credentialsEdit.toString() },
        { snapshot: this.config, text: this.configEdit.toString() },
        { snapshot: this.rclone, text: this.rcloneEdit.toString() },
        ...this.others,
        { snapshot: this.extrasFile, text: this.extrasTextIfChanged() }
      ],
      hooks
    );
  }

  private extrasTextIfChanged(): string | null {
    // Do not create remotes.json just to store nothing.
    if (
      !this.extrasFile.exists &&
      Object.keys(this.extras.remotes).length === 0
    ) {
      return null;
    }
    return extrasText(this.extras);
  }
}
