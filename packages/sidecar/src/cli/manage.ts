// `jupyter-buckets remotes show|add|edit|rm|test`: the same engine as the HTTP
// API (remotes/manager.ts). Secrets never come from argv: the secret key is
// read from stdin (--secret-stdin) or from a hidden prompt on a terminal.
import type { Command } from 'commander';
import type {
  IConnectionTestResult,
  IRemoteDetail,
  IRemoteInput,
  Provider,
  RemotePreset
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import type { RemoteManager } from '../remotes/manager.js';
import type { LazyServices } from './report.js';
import { PRESETS } from '../remotes/validate.js';

interface IFormOptions {
  preset?: string;
  provider?: string;
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  pathStyle?: boolean;
  serviceAccountFile?: string;
  applicationDefault?: boolean;
  bookmark?: string[];
  secretStdin?: boolean;
  askSecret?: boolean;
  name?: string;
  json?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  // One final line break is the shell's, not the secret's.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Read a line on the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    let value = '';
    const done = (error?: Error): void => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) {
        reject(error);
      } else {
        resolve(value);
      }
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          done();
          return;
        }
        if (char === '\u0003') {
          done(new Error('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') {
          value = value.slice(0, -1);
        } else {
          value += char;
        }
      }
    };
    input.on('data', onData);
  });
}

function promptLine(question: string): Promise<string> {
  return new Promise(resolve => {
    process.stderr.write(question);
    process.stdin.resume();
    process.stdin.setEncoding('utf8');
    process.stdin.once('data', chunk => {
      process.stdin.pause();
      resolve(String(chunk).trim());
    });
  });
}

const KEYED: RemotePreset[] = ['aws', 'osn', 's3-compatible'];

/** The secret key: from stdin when asked, else from a hidden prompt on a terminal. */
async function secret(
  options: IFormOptions,
  required: boolean
): Promise<string | undefined> {
  if (options.secretStdin) {
    return readStdin();
  }
  if (!required && !options.askSecret) {
    return undefined;
  }
  if (!process.stdin.isTTY) {
    throw new ApiError(
      'invalid_request',
      'The secret key is needed and stdin is not a terminal.',
      'Pipe it in with --secret-stdin (secrets are never taken from the command line).'
    );
  }
  return promptHidden('Secret access key (not shown): ');
}

function formInput(name: string, options: IFormOptions): IRemoteInput {
  const input: IRemoteInput = {
    name,
    preset: options.preset as RemotePreset
  };
  if (options.provider !== undefined) {
    input.provider = options.provider as Provider;
  }
  if (options.endpoint !== undefined) {
    input.endpoint = options.endpoint;
  }
  if (options.region !== undefined) {
    input.region = options.region;
  }
  if (options.pathStyle !== undefined) {
    input.pathStyle = options.pathStyle;
  }
  if (options.accessKeyId !== undefined) {
    input.accessKeyId = options.accessKeyId;
  }
  if (options.serviceAccountFile !== undefined) {
    input.serviceAccountFile = options.serviceAccountFile;
  }
  if (options.applicationDefault) {
    input.useApplicationDefault = true;
  }
  if (options.bookmark !== undefined) {
    input.bookmarks = options.bookmark;
  }
  return input;
}

export function detailText(detail: IRemoteDetail): string {
  const rows: [string, string | undefined][] = [
    ['name', detail.name],
    ['provider', detail.provider],
    ['preset', detail.preset],
    ['sources', detail.sources.join('+')],
    ['endpoint', detail.endpoint ?? '(default)'],
    ['region', detail.region],
    [
      'path style',
      detail.pathStyle === undefined ? undefined : String(detail.pathStyle)
    ],
    ['anonymous', detail.anonymous ? 'yes' : undefined],
    ['access key id', detail.accessKeyIdHint],
    ['secret key', detail.secretAccessKeyHint],
    ['service account', detail.serviceAccountEmail],
    ['key file', detail.serviceAccountFile],
    [
      'credentials',
      detail.useApplicationDefault ? 'application default' : undefined
    ],
    [
      'bookmarks',
      detail.bookmarks
        .map(b => `${b.path}${b.label ? ` (${b.label})` : ''}`)
        .join(', ') || undefined
    ],
    ...detail.files.map(f => [`file (${f.source})`, f.path] as [string, string])
  ];
  const lines = rows
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([label, value]) => `${`${label}:`.padEnd(18)}${value}`);
  for (const d of detail.differences) {
    lines.push(
      `${'differs:'.padEnd(18)}${d.field}: aws ${d.aws ?? '(unset)'}, rclone ${d.rclone ?? '(unset)'}`
    );
  }
  return lines.join('\n');
}

function testText(result: IConnectionTestResult): string {
  if (result.ok) {
    return result.checked === 'list-buckets'
      ? `ok: listed ${result.buckets ?? 0} bucket(s) in ${result.elapsedMs} ms`
      : `ok: listing buckets is not allowed, but the bookmarked bucket answered (${result.elapsedMs} ms)`;
  }
  return `failed (${result.error?.code}): ${result.error?.message}${result.error?.hint ? `\nhint: ${result.error.hint}` : ''}`;
}

function addFormOptions(command: Command): Command {
  return command
    .option('--preset <preset>', `one of ${PRESETS.join(', ')}`)
    .option('--provider <provider>', 's3 or gcs (for --preset public)')
    .option('--endpoint <url>', 'https://... (S3-compatible, OSN, emulators)')
    .option('--region <region>', 'e.g. us-east-1')
    .option('--access-key-id <id>', 'the access key id (not the secret)')
    .option('--path-style', 'path-style addressing')
    .option('--no-path-style', 'virtual-host addressing')
    .option(
      '--service-account-file <path>',
      'a GCS service-account JSON key on this machine'
    )
    .option('--application-default', 'GCS: use application default credentials')
    .option(
      '--bookmark <path>',
      'pin bucket or bucket/prefix/ (repeatable)',
      collect
    )
    .option('--secret-stdin', 'read the secret access key from stdin')
    .option('--json', 'print JSON (the API shape)');
}

function print(detail: IRemoteDetail, json?: boolean): void {
  out(json ? JSON.stringify(detail, null, 2) : detailText(detail));
}

/** Add show, add, edit, rm and test under `jupyter-buckets remotes`. */
export function registerManageCommands(
  remotes: Command,
  services: LazyServices
): void {
  const manager = async (): Promise<RemoteManager> =>
    (await services()).manager;

  remotes
    .command('show <name>')
    .description('show one remote (secrets masked) and where it lives')
    .option('--json', 'print JSON (the API shape)')
    .action(async (name: string, options: { json?: boolean }) => {
      print((await manager()).detail(name), options.json);
    });

  addFormOptions(
    remotes
      .command('add <name>')
      .description(
        'save a remote as an AWS profile and an rclone remote of the same name'
      )
  ).action(async (name: string, options: IFormOptions) => {
    if (!options.preset) {
      throw new ApiError(
        'invalid_request',
        'add needs --preset',
        `One of ${PRESETS.join(', ')}.`
      );
    }
    const input = formInput(name, options);
    input.secretAccessKey = await secret(options, KEYED.includes(input.preset));
    print((await manager()).create(input), options.json);
  });

  addFormOptions(
    remotes
      .command('edit <name>')
      .description('change a remote in both files (left-out keys are kept)')
      .option('--name <new-name>', 'rename it (in both files)')
      .option('--ask-secret', 'prompt for a new secret key')
  ).action(async (name: string, options: IFormOptions) => {
    const current = (await manager()).detail(name);
    const input = formInput(options.name ?? name, {
      ...options,
      preset: options.preset ?? current.preset
    });
    // Keep what is not given: the edit changes only the flags passed.
    if (options.endpoint === undefined && current.endpoint) {
      input.endpoint = current.endpoint;
    }
    if (options.region === undefined && current.region) {
      input.region = current.region;
    }
    if (options.pathStyle === undefined && current.pathStyle !== undefined) {
      input.pathStyle = current.pathStyle;
    }
    if (options.bookmark === undefined) {
      input.bookmarks = current.bookmarks
        .filter(b => b.source === 'user')
        .map(b => b.path);
    }
    if (
      options.provider === undefined &&
      current.preset === 'public' &&
      input.preset === 'public'
    ) {
      input.provider = current.provider;
    }
    if (
      current.useApplicationDefault &&
      input.preset === 'gcs' &&
      options.serviceAccountFile === undefined
    ) {
      input.useApplicationDefault = true;
    }
    const value = await secret(options, false);
    if (value !== undefined) {
      input.secretAccessKey = value;
    }
    print((await manager()).update(name, input), options.json);
  });

  remotes
    .command('rm <name>')
    .description('delete a remote from both files (and the key file it wrote)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (name: string, options: { yes?: boolean }) => {
      const current = (await manager()).detail(name);
      if (!options.yes) {
        if (!process.stdin.isTTY) {
          throw new ApiError(
            'invalid_request',
            `Refusing to delete ${name} without confirmation.`,
            'Pass --yes.'
          );
        }
        const answer = await promptLine(
          `Delete remote ${name} from ${current.files.map(f => f.path).join(', ')}? [y/N] `
        );
        if (!/^y(es)?$/i.test(answer)) {
          out('Nothing deleted.');
          return;
        }
      }
      (await manager()).remove(name);
      out(`Deleted remote ${name}.`);
    });

  remotes
    .command('test <name>')
    .description(
      'check that a remote works: list its buckets (or its bookmark)'
    )
    .option('--json', 'print JSON (the API shape)')
    .action(async (name: string, options: { json?: boolean }) => {
      const { manager: remoteManager, backends } = await services();
      const result = await remoteManager.test({ name }, backends);
      out(options.json ? JSON.stringify(result, null, 2) : testText(result));
      if (!result.ok) {
        process.exitCode = 1;
      }
    });
}
