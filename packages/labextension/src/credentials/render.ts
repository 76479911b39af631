// Small pieces shared by the credentials views: source badges, the error
// banner and the connection test's result.
import type { IConnectionTestResult, IRemote } from '@jupyter-buckets/core';
import { checkIcon, errorIcon } from '@jupyterlab/ui-components';

import { BucketsError } from '../api';
import { h, richText } from '../widgets/dom';
import { errorTitle } from '../widgets/errors';

const SOURCE_LABELS: Record<string, [string, string]> = {
  both: ['AWS + rclone', 'An AWS profile and an rclone remote of this name'],
  aws: ['AWS', 'An AWS profile (credentials and config files)'],
  rclone: ['rclone', 'An rclone remote (rclone.conf)'],
  gcloud: ['GCS key', 'A Google service-account key file'],
  env: ['environment', 'Environment variables'],
  hub: ['hub', "The hub's environment ($SCRATCH_BUCKET, $PERSISTENT_BUCKET)"],
  admin: [
    'hub admin',
    "The hub admin's jupyter_buckets.json (rules, or the whole remote)"
  ]
};

/** One badge per place a remote comes from; AWS and rclone together are "both". */
export function renderSources(remote: {
  sources: ReadonlyArray<string>;
  differs?: IRemote['differs'];
}): HTMLElement {
  const sources = [...remote.sources];
  const both = sources.includes('aws') && sources.includes('rclone');
  const keys = both
    ? ['both', ...sources.filter(s => s !== 'aws' && s !== 'rclone')]
    : sources;
  const badges = keys.map(key => {
    const [text, title] = SOURCE_LABELS[key] ?? [key, key];
    return h('span', {
      className: `jp-Credentials-badge jp-mod-${key}`,
      text,
      title,
      attrs: { 'data-source': key }
    });
  });
  if (remote.differs) {
    badges.push(
      h('span', {
        className: 'jp-Credentials-badge jp-mod-differs',
        text: 'differs',
        title: 'The AWS profile and the rclone remote of this name disagree',
        attrs: { 'data-source': 'differs' }
      })
    );
  }
  return h('span', { className: 'jp-Credentials-badges' }, badges);
}

/** A 409/422/other failure: title, message, hint. */
export function renderBanner(error: unknown): HTMLElement {
  const err =
    error instanceof BucketsError
      ? error
      : new BucketsError('internal', String(error));
  const icon = h('span', { className: 'jp-Credentials-bannerIcon' });
  errorIcon.element({ container: icon });
  return h(
    'div',
    {
      className: 'jp-Credentials-error',
      attrs: { role: 'alert', 'data-code': err.code }
    },
    [
      icon,
      h('div', {}, [
        h('div', {
          className: 'jp-Credentials-errorTitle',
          text: errorTitle(err.code)
        }),
        h(
          'div',
          { className: 'jp-Credentials-errorMessage' },
          richText(err.message)
        ),
        ...(err.hint
          ? [
              h(
                'div',
                { className: 'jp-Credentials-errorHint' },
                richText(err.hint)
              )
            ]
          : [])
      ])
    ]
  );
}

export function renderTesting(): HTMLElement {
  return h('div', {
    className: 'jp-Credentials-testing',
    text: 'Testing the connection…'
  });
}

export function renderTestResult(result: IConnectionTestResult): HTMLElement {
  if (result.ok) {
    const icon = h('span', { className: 'jp-Credentials-okIcon' });
    checkIcon.element({ container: icon });
    const what =
      result.checked === 'bookmark'
        ? 'Connected: the bookmarked bucket answers (listing buckets is not allowed)'
        : `Connected: ${result.buckets ?? 0} bucket${result.buckets === 1 ? '' : 's'}`;
    return h(
      'div',
      {
        className: 'jp-Credentials-ok',
        attrs: { role: 'status', 'data-ok': 'true' }
      },
      [icon, h('span', { text: what })]
    );
  }
  const error = result.error ?? {
    code: 'internal' as const,
    message: 'The test failed without saying why.'
  };
  const banner = renderBanner(
    new BucketsError(error.code, error.message, error.hint ?? '')
  );
  banner.setAttribute('data-ok', 'false');
  return banner;
}
