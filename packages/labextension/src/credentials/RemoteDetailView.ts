// One saved remote: where it points, where it lives, how its AWS and rclone
// copies differ, and the actions (edit, test, delete, copy to the other side).
import {
  PROVIDERS,
  type IFieldDifference,
  type IRemoteDetail,
  type IRemoteSyncRequest
} from '@jupyter-buckets/core';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { h } from '../widgets/dom';
import type { RemotesManager } from './model';
import { presetLabel } from './presets';
import {
  renderBanner,
  renderSources,
  renderTestResult,
  renderTesting
} from './render';
import { TakeHomeView } from './TakeHomeView';

const FIELD_LABELS: Record<IFieldDifference['field'], string> = {
  endpoint: 'Endpoint',
  region: 'Region',
  accessKeyId: 'Access key ID',
  secretAccessKey: 'Secret access key',
  pathStyle: 'Path-style'
};

const FILE_LABELS: Record<string, string> = {
  aws: 'AWS',
  rclone: 'rclone',
  gcloud: 'GCS key',
  env: 'environment',
  hub: 'hub',
  admin: 'hub admin'
};

export class RemoteDetailView extends Widget {
  constructor(options: IRemoteDetailViewOptions) {
    super({ node: h('div', { className: 'jp-Credentials-detail' }) });
    this._manager = options.manager;
    this._detail = options.detail;
    this._options = options;
    this.node.setAttribute('data-remote', this._detail.name);
    this._render();
  }

  get detail(): IRemoteDetail {
    return this._detail;
  }

  private _render(): void {
    const d = this._detail;
    this._banner = h('div', { className: 'jp-Credentials-banner' });
    this._banner.hidden = true;
    this._result = h('div', {
      className: 'jp-Credentials-testResult',
      attrs: { 'aria-live': 'polite' }
    });

    const rows: [string, string | Node][] = [
      ['Kind', presetLabel(d.preset)],
      ['Provider', PROVIDERS[d.provider].title],
      ['Endpoint', d.endpoint ?? "The provider's default"]
    ];
    if (d.provider === 's3') {
      rows.push(['Region', d.region ?? '(not set)']);
      if (d.pathStyle !== undefined) {
        rows.push(['Path-style', d.pathStyle ? 'yes' : 'no']);
      }
    }
    rows.push(['Credentials', credentials(d)]);
    if (d.files.length) {
      rows.push([
        'Saved in',
        h(
          'ul',
          { className: 'jp-Credentials-files' },
          d.files.map(f =>
            h('li', {}, [
              h('span', {
                className: 'jp-Credentials-fileSource',
                text: FILE_LABELS[f.source] ?? f.source
              }),
              h('code', { text: f.path })
            ])
          )
        )
      ]);
    }
    if (d.bookmarks.length) {
      rows.push([
        'Bookmarks',
        h(
          'ul',
          { className: 'jp-Credentials-bookmarksShown' },
          d.bookmarks.map(b =>
            h('li', {}, [
              h('code', { text: b.path }),
              ...(b.label || b.source === 'hub'
                ? [
                    h('span', {
                      className: 'jp-Credentials-bookmarkNote',
                      text: [b.label, b.source === 'hub' ? 'from the hub' : '']
                        .filter(Boolean)
                        .join(', ')
                    })
                  ]
                : [])
            ])
          )
        )
      ]);
    }
    const table = h(
      'dl',
      { className: 'jp-Credentials-properties' },
      rows.flatMap(([label, value]) => [
        h('dt', { text: label }),
        h('dd', {}, [
          typeof value === 'string' ? document.createTextNode(value) : value
        ])
      ])
    );

    const edit = this._button('Edit', 'jp-mod-accept', () =>
      this._options.onEdit(this._detail)
    );
    const test = this._button('Test connection', '', () => void this._test());
    // One click from a saved remote to its buckets.
    const browse = this._options.onBrowse
      ? [
          this._button('Browse', 'jp-Credentials-browse', () =>
            this._options.onBrowse!(this._detail.name)
          )
        ]
      : [];
    // Credentials to take home: the view mints them, so it opens on demand.
    const takeHome = this._button(
      'Use on my computer',
      'jp-Credentials-takeHomeOpen',
      () => void this._openTakeHome()
    );
    const remove = this._button(
      'Delete',
      'jp-mod-warn',
      () => void this._delete()
    );
    edit.disabled = remove.disabled = !d.editable;
    const actions = h('div', { className: 'jp-Credentials-actions' }, [
      ...browse,
      test,
      takeHome,
      h('span', { className: 'jp-Credentials-spacer' }),
      remove,
      edit
    ]);

    this.node.replaceChildren(
      h('h2', { className: 'jp-Credentials-heading' }, [
        h('span', { text: d.name }),
        renderSources({ sources: d.sources, differs: d.differences.length > 0 })
      ]),
      this._banner,
      table,
      ...this._renderSync(),
      ...(d.editable
        ? []
        : [
            h('p', {
              className: 'jp-Credentials-help',
              text: 'This remote comes from the environment: change it where it is set.'
            })
          ]),
      this._result,
      actions,
      this._takeHomeSlot
    );
  }

  private async _openTakeHome(): Promise<void> {
    this._takeHome?.dispose();
    this._takeHome = new TakeHomeView({
      manager: this._manager,
      detail: this._detail
    });
    this._takeHomeSlot.replaceChildren(this._takeHome.node);
    this._takeHome.node.scrollIntoView?.({ block: 'nearest' });
    await this._takeHome.load();
  }

  dispose(): void {
    this._takeHome?.dispose();
    super.dispose();
  }

  /** The differences table, or the offer to copy a one-sided remote. */
  private _renderSync(): HTMLElement[] {
    const d = this._detail;
    if (!d.editable || d.provider !== 's3') {
      return [];
    }
    const aws = d.sources.includes('aws');
    const rclone = d.sources.includes('rclone');
    if (aws && rclone && d.differences.length) {
      const table = h('table', { className: 'jp-Credentials-differences' }, [
        h('thead', {}, [
          h('tr', {}, [
            h('th', { text: 'Field', attrs: { scope: 'col' } }),
            h('th', { text: 'AWS profile', attrs: { scope: 'col' } }),
            h('th', { text: 'rclone remote', attrs: { scope: 'col' } })
          ])
        ]),
        h(
          'tbody',
          {},
          d.differences.map(diff =>
            h('tr', { attrs: { 'data-field': diff.field } }, [
              h('th', {
                text: FIELD_LABELS[diff.field] ?? diff.field,
                attrs: { scope: 'row' }
              }),
              h('td', { text: diff.aws ?? '(not set)' }),
              h('td', { text: diff.rclone ?? '(not set)' })
            ])
          )
        )
      ]);
      return [
        h('section', { className: 'jp-Credentials-sync jp-mod-differs' }, [
          h('h3', { text: 'The AWS profile and the rclone remote differ' }),
          h('p', {
            className: 'jp-Credentials-help',
            text: 'Tools reading one or the other reach different places. Pick the copy to keep; the other becomes the same.'
          }),
          table,
          h('div', { className: 'jp-Credentials-syncActions' }, [
            this._button(
              'Use the AWS profile',
              '',
              () => void this._sync('aws')
            ),
            this._button(
              'Use the rclone remote',
              '',
              () => void this._sync('rclone')
            )
          ])
        ])
      ];
    }
    if (aws !== rclone) {
      const from: IRemoteSyncRequest['from'] = aws ? 'aws' : 'rclone';
      const label = aws
        ? 'Also save as rclone remote'
        : 'Also save as AWS profile';
      return [
        h('section', { className: 'jp-Credentials-sync' }, [
          h('p', {
            className: 'jp-Credentials-help',
            text: aws
              ? 'Only the AWS tools (and fsspec) know this remote; rclone does not.'
              : 'Only rclone knows this remote; the AWS tools and fsspec do not.'
          }),
          h('div', { className: 'jp-Credentials-syncActions' }, [
            this._button(label, '', () => void this._sync(from))
          ])
        ])
      ];
    }
    return [];
  }

  private _button(
    text: string,
    modifier: string,
    onClick: () => void
  ): HTMLButtonElement {
    const button = h('button', {
      className: `jp-mod-styled ${modifier}`.trim(),
      text,
      attrs: { type: 'button' }
    });
    button.addEventListener('click', onClick);
    return button;
  }

  private _showError(error: unknown): void {
    this._banner.replaceChildren(renderBanner(error));
    this._banner.hidden = false;
  }

  private async _test(): Promise<void> {
    this._banner.hidden = true;
    this._result.replaceChildren(renderTesting());
    try {
      const result = await this._manager.test({ name: this._detail.name });
      this._result.replaceChildren(renderTestResult(result));
    } catch (error) {
      this._result.replaceChildren();
      this._showError(error);
    }
  }

  private async _sync(from: IRemoteSyncRequest['from']): Promise<void> {
    try {
      this._detail = await this._manager.sync(this._detail.name, from);
      this._render();
      this._options.onChanged?.(this._detail);
    } catch (error) {
      this._showError(error);
    }
  }

  private async _delete(): Promise<void> {
    const d = this._detail;
    const files = d.files.map(f => f.path);
    const body = h('div', { className: 'jp-Credentials-confirm' }, [
      h('p', {
        text: files.length
          ? `The remote "${d.name}" will be removed from:`
          : `The remote "${d.name}" will be removed.`
      }),
      ...(files.length
        ? [
            h(
              'ul',
              {},
              files.map(f => h('li', {}, [h('code', { text: f })]))
            )
          ]
        : []),
      h('p', {
        text: 'Other sections of these files are kept as they are. Buckets and their data are not touched.'
      })
    ]);
    const result = await showDialog({
      title: `Delete ${d.name}?`,
      body: new Widget({ node: body }),
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
    });
    if (!result.button.accept) {
      return;
    }
    try {
      await this._manager.remove(d.name);
      this._options.onDeleted(d.name);
    } catch (error) {
      this._showError(error);
    }
  }

  private readonly _manager: RemotesManager;
  private readonly _options: IRemoteDetailViewOptions;
  private _detail: IRemoteDetail;
  private _banner!: HTMLElement;
  private _result!: HTMLElement;
  private _takeHome?: TakeHomeView;
  /** Where "Use on my computer" opens, below the actions. */
  private readonly _takeHomeSlot = h('div', {
    className: 'jp-Credentials-takeHomeSlot'
  });
}

function credentials(d: IRemoteDetail): string {
  if (d.anonymous) {
    return 'None (anonymous access)';
  }
  if (d.provider === 'gcs') {
    if (d.useApplicationDefault) {
      return 'Application default credentials';
    }
    if (d.serviceAccountEmail) {
      return `Service account ${d.serviceAccountEmail}`;
    }
    return d.hasCredentials ? 'A service-account key' : 'None configured';
  }
  if (!d.hasCredentials) {
    return 'None configured';
  }
  const parts = [];
  if (d.accessKeyIdHint) {
    parts.push(`key ID ${d.accessKeyIdHint}`);
  }
  if (d.secretAccessKeyHint) {
    parts.push(`secret ${d.secretAccessKeyHint}`);
  }
  return parts.length ? parts.join(', ') : 'Configured';
}

export interface IRemoteDetailViewOptions {
  manager: RemotesManager;
  detail: IRemoteDetail;
  onEdit: (detail: IRemoteDetail) => void;
  onDeleted: (name: string) => void;
  /** After a sync rewrote one side. */
  onChanged?: (detail: IRemoteDetail) => void;
  /** Show the remote in the Buckets panel. */
  onBrowse?: (name: string) => void;
}
