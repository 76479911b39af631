// Where jupyter_buckets.json is looked for: Jupyter's config path, as
// `jupyter --paths` lists it (highest precedence first), and the file named by
// $JUPYTER_BUCKETS_CONFIG above them all. The sidecar's launcher in the
// Jupyter server passes jupyter_core's own list ($JUPYTER_BUCKETS_CONFIG_PATH);
// the CLI computes it here, because importing jupyter_core costs the
// `jupyter-buckets` command ~40 ms at every start (tests/test_admin.py holds
// this list to `jupyter --paths`).
import { homedir } from 'node:os';
import { delimiter, join, sep } from 'node:path';

export const CONFIG_FILE_NAME = 'jupyter_buckets.json';
/** A file of its own, above Jupyter's directories (a z2jh singleuser.extraEnv). */
export const CONFIG_ENV = 'JUPYTER_BUCKETS_CONFIG';
/** Jupyter's config directories, as the Jupyter server knows them (os.pathsep-separated). */
export const CONFIG_PATH_ENV = 'JUPYTER_BUCKETS_CONFIG_PATH';
/** sys.prefix and sys.base_prefix of the Python the CLI was started from. */
export const PYTHON_PREFIX_ENV = 'JUPYTER_BUCKETS_PYTHON_PREFIX';
export const PYTHON_BASE_PREFIX_ENV = 'JUPYTER_BUCKETS_PYTHON_BASE_PREFIX';

const SYSTEM_CONFIG_PATH = ['/usr/local/etc/jupyter', '/etc/jupyter'];

/** jupyter_core's envset(): unset, '', 'no', 'n', 'false', 'off', '0', '0.0' are false. */
function envSet(value: string | undefined): boolean {
  return (
    value !== undefined &&
    !['', 'no', 'n', 'false', 'off', '0', '0.0'].includes(value.toLowerCase())
  );
}

/** Jupyter's config directories, highest precedence first (jupyter_core.paths.jupyter_config_path). */
export function jupyterConfigPath(env: NodeJS.ProcessEnv): string[] {
  const given = env[CONFIG_PATH_ENV];
  if (given) {
    return given.split(delimiter).filter(Boolean);
  }
  const user =
    env.JUPYTER_CONFIG_DIR || join(env.HOME || homedir(), '.jupyter');
  if (env.JUPYTER_NO_CONFIG) {
    return [user];
  }
  const paths = (env.JUPYTER_CONFIG_PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map(path => (path.length > 1 ? path.replace(/\/+$/, '') : path));
  const prefix = env[PYTHON_PREFIX_ENV];
  const environment =
    prefix && !SYSTEM_CONFIG_PATH.includes(join(prefix, 'etc', 'jupyter'))
      ? [join(prefix, 'etc', 'jupyter')]
      : [];
  // jupyter_core prefers the environment's directory in a virtualenv (the
  // Python's prefix differs from its base), unless told otherwise. (Its
  // conda rule and the Python user-site directory are left out.)
  const preferEnvironment =
    'JUPYTER_PREFER_ENV_PATH' in env
      ? envSet(env.JUPYTER_PREFER_ENV_PATH)
      : Boolean(prefix && prefix !== env[PYTHON_BASE_PREFIX_ENV]);
  paths.push(
    ...(preferEnvironment ? [...environment, user] : [user, ...environment]),
    ...SYSTEM_CONFIG_PATH
  );
  return paths;
}

/** The files to read, highest precedence first (each may be missing). */
export function configFiles(env: NodeJS.ProcessEnv): string[] {
  const files = jupyterConfigPath(env).map(dir =>
    join(dir.endsWith(sep) ? dir.slice(0, -1) : dir, CONFIG_FILE_NAME)
  );
  const named = env[CONFIG_ENV];
  return named ? [named, ...files] : files;
}
