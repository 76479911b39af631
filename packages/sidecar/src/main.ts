#!/usr/bin/env node
// The jupyter-buckets command: `serve` (the sidecar behind jupyter-server-proxy,
// or on a loopback port for development) and `remotes list|show|add|edit|rm|test`.
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { registerManageCommands } from './cli/manage.js';
import { errorText } from './cli/report.js';
import { addObjectCommands } from './cli/objects.js';
import { problemsText, remotesTable } from './cli/remotes.js';
import { addTransferCommands } from './cli/transfers.js';
import { createApp } from './http/app.js';
import {
  closeOnSignals,
  describeAddress,
  listen,
  type ListenTarget
} from './http/server.js';
import { stderrLogger } from './log.js';
import { KEEP_JOBS_ENV, parseKeepJobs } from './transfers/journal.js';
import { discoverRemotes, publicRemoteList } from './remotes/discover.js';
import { createServices, serverServices } from './services.js';
import { VERSION } from './version.js';

const TOKEN_ENV = 'JUPYTER_BUCKETS_TOKEN';

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

async function serve(options: {
  socket?: string;
  port?: number;
  keepJobs?: number;
}): Promise<void> {
  if ((options.socket === undefined) === (options.port === undefined)) {
    throw new Error('give exactly one of --socket PATH or --port N');
  }
  let token = process.env[TOKEN_ENV];
  // Nothing we start later should inherit the secret.
  delete process.env[TOKEN_ENV];
  if (!token) {
    token = randomBytes(32).toString('base64url');
    process.stderr.write(
      `jupyter-buckets: ${TOKEN_ENV} is not set; requests must send header x-jupyter-buckets-token: ${token}\n`
    );
  }
  const fromEnv = process.env[KEEP_JOBS_ENV];
  if (fromEnv !== undefined && parseKeepJobs(fromEnv) === undefined) {
    stderrLogger.error(
      `${KEEP_JOBS_ENV}=${JSON.stringify(fromEnv)} is not a whole number; keeping the default`
    );
  }
  const services = serverServices(
    process.env,
    options.keepJobs ?? parseKeepJobs(fromEnv)
  );
  const app = createApp({ token, logger: stderrLogger, services });
  // Jobs interrupted by the last stop resume (their finished files are
  // skipped); the journals are read while the server already answers.
  const transfers = services.transfers;
  void transfers.resume().catch((error: unknown) => {
    stderrLogger.error(`could not resume transfer jobs: ${String(error)}`);
  });
  const target: ListenTarget =
    options.socket !== undefined
      ? { socket: options.socket }
      : { port: options.port as number };
  const server = await listen(app, target);
  closeOnSignals(server, stderrLogger, () => transfers.shutdown());
  stderrLogger.info(
    `jupyter-buckets ${VERSION} listening on ${describeAddress(server)}`
  );
}

function listRemotes(options: { json?: boolean }): void {
  const list = publicRemoteList(discoverRemotes());
  if (options.json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${list.remotes.length ? remotesTable(list) : 'No remotes found.'}\n`
  );
  if (list.problems.length) {
    process.stderr.write(`${problemsText(list)}\n`);
  }
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
  .action(serve);

const remotesCommand = program
  .command('remotes')
  .description(
    'remotes found in AWS profiles, rclone.conf and GOOGLE_APPLICATION_CREDENTIALS'
  );
remotesCommand
  .command('list')
  .description('list the remotes (problems reading config files go to stderr)')
  .option('--json', 'print JSON (the API shape) instead of a table')
  .action(listRemotes);
// The commands' parts, built once; local paths are any of the user's (this
// runs in their own shell).
const services = createServices({ anyLocalPath: true });
registerManageCommands(remotesCommand, services);
addObjectCommands(program, services);
addTransferCommands(program, services);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n`);
  process.exit(1);
});
