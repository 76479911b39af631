// `jupyter-buckets fsspec LOCATION`: how fsspec (s3fs, gcsfs) opens a
// location, as JSON: the Python API's filesystem() and mapper() are built on
// it, so they open what this tool opens, with the same remote resolution.
import type { Command } from 'commander';
import { remoteNamed } from '../remotes/named.js';
import { exitOnApiError, LOCATION_HELP, type LazyServices } from './report.js';

interface IOptions {
  remote?: string;
  secrets?: boolean;
}

export function addFsspecCommand(
  program: Command,
  services: LazyServices
): void {
  program
    .command('fsspec')
    .description(
      'print, as JSON, the fsspec protocol, storage_options and path that open a location'
    )
    .argument('<location>', LOCATION_HELP)
    .option('--remote <name>', 'the remote for s3:// and gs:// locations')
    .option(
      '--secrets',
      "include a secret fsspec cannot find by itself (keys kept only in rclone.conf); otherwise it is left out and 'missingSecret' says so"
    )
    .action(async (location: string, options: IOptions) => {
      try {
        const { resolver, remotes } = await services();
        const target = resolver.location(location, { remote: options.remote });
        if (target.local) {
          // The CLI's disk is the whole file system: the path is absolute.
          const absolute = `/${target.path}`;
          print({
            protocol: 'file',
            storage_options: {},
            path: absolute,
            url: absolute
          });
          return;
        }
        const path = [target.bucket, target.path].filter(Boolean).join('/');
        const remote = remoteNamed(
          remotes,
          target.remote,
          'See jupyter-buckets remotes list.'
        );
        // Loaded here: it knows the providers, which other commands load lazily.
        const { fsspecOptions } = await import('../remotes/fsspec.js');
        const opened = fsspecOptions(remote, { secrets: options.secrets });
        print({
          remote: remote.name,
          ...opened,
          path,
          url: `${opened.protocol}://${path}`
        });
      } catch (error) {
        exitOnApiError(error);
        throw error;
      }
    });
}

function print(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
