// `jupyter-buckets serve`: the HTTP API behind jupyter-server-proxy (or on a
// loopback port for development). Imported only when `serve` runs: express,
// the routes and the job journals are no part of the other commands.
import { randomBytes } from 'node:crypto';
import { createApp } from '../http/app.js';
import {
  closeOnSignals,
  describeAddress,
  listen,
  type ListenTarget
} from '../http/server.js';
import { stderrLogger } from '../log.js';
import { KEEP_JOBS_ENV, parseKeepJobs } from '../transfers/journal.js';
import { serverServices } from '../services.js';
import { VERSION } from '../version.js';

const TOKEN_ENV = 'JUPYTER_BUCKETS_TOKEN';

export interface IServeOptions {
  socket?: string;
  port?: number;
  keepJobs?: number;
}

export async function serve(options: IServeOptions): Promise<void> {
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
