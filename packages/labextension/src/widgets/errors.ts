// The error box: a title per error code, the message, the hint, a Retry button;
// and the same words in a dialog for actions that failed.
import { showErrorMessage } from '@jupyterlab/apputils';
import { errorIcon } from '@jupyterlab/ui-components';

import { BucketsError, type BucketsErrorCode } from '../api';
import { h, richText } from './dom';

const TITLES: Record<BucketsErrorCode, string> = {
  forbidden: 'Request refused',
  invalid_request: 'Invalid request',
  invalid_cursor: 'The listing expired',
  unsupported_media_type: 'Unsupported request format',
  remote_not_found: 'Remote not found',
  bucket_not_found: 'Bucket not found',
  not_found: 'Not found',
  no_credentials: 'No credentials for this remote',
  invalid_credentials: 'Credentials rejected',
  access_denied: 'Access denied',
  read_only: 'This remote is read-only',
  outside_writable_prefix: 'Not a folder you may write to',
  path_outside_root: 'Outside the Jupyter root',
  secret_withheld: 'Kept on the hub',
  range_not_satisfiable: 'Range not satisfiable',
  endpoint_unreachable: "Can't reach the endpoint",
  timeout: 'The endpoint did not answer in time',
  provider_error: 'The storage service returned an error',
  conflict: 'The config file changed on disk',
  remote_exists: 'A remote of that name exists',
  destination_exists: 'Files exist at the destination',
  config_invalid: 'A config file could not be read',
  invalid_metadata: 'The metadata is not valid',
  upload_ended: 'The upload has ended',
  parts_missing: 'Parts of the file did not arrive',
  too_many_requests: 'Too many requests at once',
  cluster_unavailable: 'No Dask cluster to run on',
  cluster_error: 'The Dask cluster could not run the copy',
  internal: 'Something went wrong',
  sidecar_unreachable: "Can't reach the Jupyter server",
  sidecar_missing: 'jupyter-buckets is not installed on the server',
  sidecar_failed: "The jupyter-buckets server part didn't start",
  version_mismatch: 'Version mismatch',
  no_remotes: 'No remotes found',
  unexpected_response: 'Unexpected answer from the server',
  selection_incomplete: 'Not everything selected could be listed'
};

export function errorTitle(code: BucketsErrorCode): string {
  return TITLES[code] ?? 'Something went wrong';
}

export function renderError(
  error: BucketsError,
  onRetry: () => void
): HTMLElement {
  const retry = h('button', {
    className: 'jp-mod-styled jp-mod-accept jp-Buckets-retry',
    text: error.code === 'no_remotes' ? 'Refresh' : 'Retry'
  });
  retry.addEventListener('click', onRetry);
  const icon = h('span', { className: 'jp-Buckets-errorIcon' });
  errorIcon.element({ container: icon });
  return h(
    'div',
    {
      className: 'jp-Buckets-error',
      attrs: { role: 'alert', 'data-code': error.code }
    },
    [
      h('div', { className: 'jp-Buckets-errorTitle' }, [
        icon,
        h('span', { text: errorTitle(error.code) })
      ]),
      h('p', { className: 'jp-Buckets-errorMessage' }, richText(error.message)),
      ...(error.hint
        ? [h('p', { className: 'jp-Buckets-errorHint' }, richText(error.hint))]
        : []),
      retry
    ]
  );
}

/** A dialog for an action that failed: the code's title, the message, the hint. */
export async function showActionError(
  title: string,
  error: unknown
): Promise<void> {
  if (error instanceof BucketsError) {
    await showErrorMessage(
      title,
      `${errorTitle(error.code)}: ${error.message}${error.hint ? `\n${error.hint}` : ''}`
    );
  } else {
    await showErrorMessage(title, error as Error);
  }
}
