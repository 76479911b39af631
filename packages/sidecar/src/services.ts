// The composition root: the one place that builds the sidecar's parts and
// wires them together. `serve` builds them once for the HTTP API, each CLI
// command once for itself, tests with their own stores and folders; routes
// and commands receive them instead of building their own.
import { createBackendFactory, type BackendFactory } from './backends/index.js';
import { localRootFromEnv } from './backends/local/backend.js';
import { Resolver } from './locations/resolver.js';
import { remoteStore, type IRemoteStore } from './remotes/discover.js';
import { RemoteManager } from './remotes/manager.js';
import { JobManager } from './transfers/jobs.js';
import { UploadManager } from './uploads/manager.js';
import {
  defaultJournalDir,
  KEEP_JOBS_ENV,
  parseKeepJobs
} from './transfers/journal.js';

export interface IServicesOptions {
  /** Where config files are found and remotes saved (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Default: the remotes of `env`'s config files. */
  remotes?: IRemoteStore;
  backends?: BackendFactory;
  /** The Jupyter disk (default: $JUPYTER_BUCKETS_ROOT, else the cwd); the HTTP API confines local paths to it. */
  localRoot?: string;
  /** Local paths may be any path of the user's (the CLI, run in the user's own shell). */
  anyLocalPath?: boolean;
  /** Where transfer journals go; none = no journal (the CLI). */
  journalDir?: string;
  /** Finished jobs kept (default 200). */
  keepJobs?: number;
  manager?: RemoteManager;
}

export interface IServices {
  readonly remotes: IRemoteStore;
  readonly backends: BackendFactory;
  /** Names (remotes, locations) to backends. */
  readonly resolver: Resolver;
  /** Creates, edits, tests and deletes remotes. */
  readonly manager: RemoteManager;
  /** The transfer jobs (built on first use). */
  readonly transfers: JobManager;
  /** Uploads from the user's computer (jobs of `transfers`). */
  readonly uploads: UploadManager;
  /** Jobs whose s3:// and gs:// locations open with this remote (the CLI's --remote). */
  jobsWithRemote(remote: string | undefined): JobManager;
}

export function createServices(options: IServicesOptions = {}): IServices {
  const env = options.env ?? options.remotes?.env ?? process.env;
  const remotes = options.remotes ?? remoteStore(env);
  const backends = options.backends ?? createBackendFactory();
  const resolver = new Resolver({
    store: remotes,
    backends,
    localRoot: options.localRoot ?? localRootFromEnv(env),
    anyLocalPath: options.anyLocalPath
  });
  const jobsWithRemote = (remote: string | undefined): JobManager =>
    new JobManager({
      resolve: text => resolver.location(text, { remote, needBucket: true }),
      journalDir: options.journalDir,
      keepJobs: options.keepJobs,
      cluster: { env, remote: name => remotes.get(name) }
    });
  let manager = options.manager;
  let transfers: JobManager | undefined;
  let uploads: UploadManager | undefined;
  return {
    remotes,
    backends,
    resolver,
    get manager() {
      manager ??= new RemoteManager(env);
      return manager;
    },
    get transfers() {
      transfers ??= jobsWithRemote(undefined);
      return transfers;
    },
    get uploads() {
      uploads ??= new UploadManager({
        resolve: text => resolver.location(text, { needBucket: true }),
        jobs: this.transfers
      });
      return uploads;
    },
    jobsWithRemote
  };
}

/** The services of `serve`: journals in the state folder, so that jobs resume after a restart. */
export function serverServices(
  env: NodeJS.ProcessEnv,
  keepJobs = parseKeepJobs(env[KEEP_JOBS_ENV])
): IServices {
  return createServices({
    env,
    journalDir: defaultJournalDir(env),
    keepJobs
  });
}
