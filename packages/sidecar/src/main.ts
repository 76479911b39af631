#!/usr/bin/env node
// The jupyter-buckets command: `serve` (the sidecar behind jupyter-server-proxy,
// or on a loopback port for development), `remotes list|show|add|edit|rm|test`,
// the object commands and the transfers.
//
// Only commander and the commands' definitions load here. Each action imports
// what it needs when it runs (the HTTP server for `serve`; the remotes, their
// providers and the engine for the others), so that `--version` and `--help`
// load none of it and `ls` no HTTP server; src/cli/startup.test.ts keeps it so.
import { Command, InvalidArgumentError } from 'commander';
import { registerManageCommands } from './cli/manage.js';
import { registerTakeHomeCommand } from './cli/take-home.js';
import { errorText, type LazyServices } from './cli/report.js';
import { addFsspecCommand } from './cli/fsspec.js';
import { addObjectCommands } from './cli/objects.js';
import { listRemoteFiles, listRemotes } from './cli/remotes.js';
import type { IServeOptions } from './cli/serve.js';
import { addShardCommand } from './cli/shard.js';
import { addTransferCommands } from './cli/transfers.js';
import { KEEP_JOBS_ENV, parseKeepJobs } from './transfers/journal.js';
import type { IServices } from './services.js';
import { VERSION } from './version.js';

function portNumber(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  }
  return port;
}

function jobCount(text: string): number {
  const count = parseKeepJobs(text);
  if (count === undefined) {
    throw new InvalidArgumentError('a count of jobs is a whole number from 0');
  }
  return count;
}

const program = new Command('jupyter-buckets')
  .description(
    'Browse and move data in S3, S3-compatible stores and Google Cloud Storage'
  )
  .version(VERSION, '-V, --version');

program
  .command('serve')
  .description('run the HTTP API (under jupyter-server-proxy: --socket)')
  .option('--socket <path>', 'listen on this unix socket (created owner-only)')
  .option('--port <n>', 'listen on 127.0.0.1:N (development)', portNumber)
  .option(
    '--keep-jobs <n>',
    `finished transfer jobs to keep, with their journals (default 200; env ${KEEP_JOBS_ENV})`,
    jobCount
  )
  .action(async (options: IServeOptions) => {
    const { serve } = await import('./cli/serve.js');
    await serve(options);
  });

const remotesCommand = program
  .command('remotes')
  .description(
    "remotes found in AWS profiles, rclone.conf, GOOGLE_APPLICATION_CREDENTIALS and the hub admin's jupyter_buckets.json"
  );
remotesCommand
  .command('list')
  .description('list the remotes (problems reading config files go to stderr)')
  .option('--json', 'print JSON (the API shape) instead of a table')
  .action(listRemotes);
remotesCommand
  .command('files')
  .description(
    "the files remotes are read from, in order (and the hub admin's jupyter_buckets.json), found or missing"
  )
  .option('--json', 'print JSON')
  .action(listRemoteFiles);
// The commands' parts, built once, by the first command that needs them;
// local paths are any of the user's (this runs in their own shell).
let services: Promise<IServices> | undefined;
const cliServices: LazyServices = () =>
  (services ??= import('./services.js').then(({ createServices }) =>
    createServices({ anyLocalPath: true })
  ));
registerManageCommands(remotesCommand, cliServices);
registerTakeHomeCommand(remotesCommand, cliServices);
addObjectCommands(program, cliServices);
addTransferCommands(program, cliServices);
addFsspecCommand(program, cliServices);
addShardCommand(program);

// Output read by a command that stops early (`ls | head`) ends this one
// quietly, as coreutils end (status 141, SIGPIPE's), not with a stack
// trace. An unfinished copy is journaled: the next run continues it.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') {
    throw error;
  }
  process.exit(141);
});

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n`);
  process.exit(1);
});
