// The credentials panel: the remotes on the left, the selected one (its
// details, or the form that adds or edits it) on the right.
import {
  PROVIDERS,
  type IRemoteDetail,
  type RemotePreset
} from '@jupyter-buckets/core';
import { addIcon, refreshIcon } from '@jupyterlab/ui-components';
import { Panel, Widget } from '@lumino/widgets';

import { h } from '../widgets/dom';
import type { RemotesManager } from './model';
import { PRESETS } from './presets';
import { RemoteDetailView } from './RemoteDetailView';
import { RemoteForm } from './RemoteForm';
import { renderBanner, renderSources } from './render';

export class CredentialsPanel extends Panel {
  constructor(
    private readonly _manager: RemotesManager,
    private readonly _onBrowse?: (name: string) => void
  ) {
    super();
    this.addClass('jp-Credentials');
    this._list = new RemoteList(_manager, {
      onSelect: name => void this.select(name),
      onAdd: () => this.add()
    });
    this._main = new Panel();
    this._main.addClass('jp-Credentials-main');
    this.addWidget(this._list);
    this.addWidget(this._main);
    this._showEmpty();
    this._manager.remotesChanged.connect(this._onRemotesChanged, this);
    void this._manager.refresh();
  }

  /** Show one remote's details. */
  async select(name: string): Promise<void> {
    this._list.selected = name;
    const loading = h('div', {
      className: 'jp-Credentials-placeholder',
      text: `Loading ${name}…`
    });
    this._setView(new Widget({ node: loading }));
    const ticket = ++this._ticket;
    try {
      const detail = await this._manager.detail(name);
      if (ticket === this._ticket) {
        this._showDetail(detail);
      }
    } catch (error) {
      if (ticket === this._ticket) {
        const node = h('div', { className: 'jp-Credentials-placeholder' }, [
          renderBanner(error)
        ]);
        this._setView(new Widget({ node }));
      }
    }
  }

  /** A new remote: the form of `preset` at once, else the chooser. */
  addRemote(preset?: RemotePreset): void {
    if (preset === undefined) {
      this.add();
      return;
    }
    this._list.selected = null;
    this._showForm(preset);
  }

  /** Choose a preset, then fill its form. */
  add(): void {
    this._ticket++;
    this._list.selected = null;
    const chooser = h('div', { className: 'jp-Credentials-presets' }, [
      h('h2', { className: 'jp-Credentials-heading', text: 'Add a remote' }),
      h('p', {
        className: 'jp-Credentials-help',
        text: 'Saved once, it works by the same name in rclone, the AWS CLI, fsspec and the Buckets panel.'
      }),
      ...PRESETS.map(p => {
        const button = h(
          'button',
          {
            className: 'jp-Credentials-preset',
            attrs: { type: 'button', 'data-preset': p.preset }
          },
          [
            h('span', {
              className: 'jp-Credentials-presetLabel',
              text: p.label
            }),
            h('span', {
              className: 'jp-Credentials-presetDescription',
              text: p.description
            })
          ]
        );
        button.addEventListener('click', () => this._showForm(p.preset));
        return button;
      })
    ]);
    chooser.addEventListener('keydown', event => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        this._showEmpty();
      }
    });
    this._setView(new Widget({ node: chooser }));
    chooser.querySelector<HTMLElement>('button')?.focus();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._manager.remotesChanged.disconnect(this._onRemotesChanged, this);
    super.dispose();
  }

  private _showForm(preset: RemotePreset, detail?: IRemoteDetail): void {
    this._ticket++;
    const form = new RemoteForm({
      manager: this._manager,
      preset,
      detail,
      onSaved: saved => {
        this._list.selected = saved.name;
        this._showDetail(saved);
      },
      onCancel: () => {
        if (detail) {
          void this.select(detail.name);
        } else {
          this._showEmpty();
        }
      }
    });
    this._setView(form);
  }

  private _showDetail(detail: IRemoteDetail): void {
    this._setView(
      new RemoteDetailView({
        manager: this._manager,
        detail,
        onEdit: d => this._showForm(d.preset, d),
        onBrowse: this._onBrowse,
        onDeleted: () => {
          this._list.selected = null;
          this._showEmpty();
        }
      })
    );
  }

  private _showEmpty(): void {
    this._ticket++;
    this._list.selected = null;
    const node = h('div', { className: 'jp-Credentials-placeholder' }, [
      h('p', {
        text: 'Choose a remote to see where it points and where it is saved, or add one.'
      })
    ]);
    this._setView(new Widget({ node }));
  }

  private _setView(view: Widget): void {
    for (const old of [...this._main.widgets]) {
      old.dispose();
    }
    this._main.addWidget(view);
  }

  private _onRemotesChanged(): void {
    this._list.render();
  }

  private readonly _list: RemoteList;
  private readonly _main: Panel;
  private _ticket = 0;
}

/** The left column: the remotes with their sources, and the Add button. */
class RemoteList extends Widget {
  constructor(
    private readonly _manager: RemotesManager,
    private readonly _callbacks: {
      onSelect: (name: string) => void;
      onAdd: () => void;
    }
  ) {
    super({ node: h('div', { className: 'jp-Credentials-sidebar' }) });
    const add = h('button', {
      className: 'jp-mod-styled jp-mod-accept jp-Credentials-add',
      attrs: { type: 'button' }
    });
    addIcon.element({ container: add, tag: 'span' });
    add.append(h('span', { text: 'Add remote' }));
    add.addEventListener('click', () => this._callbacks.onAdd());
    const refresh = h('button', {
      className: 'jp-Credentials-refresh',
      title: 'Reload the remotes from the config files',
      attrs: { type: 'button', 'aria-label': 'Reload remotes' }
    });
    refreshIcon.element({ container: refresh, tag: 'span' });
    refresh.addEventListener('click', () => void this._manager.refresh());
    this._items = h('ul', {
      className: 'jp-Credentials-remotes',
      attrs: { 'aria-label': 'Remotes' }
    });
    this.node.append(
      h('div', { className: 'jp-Credentials-sidebarHeader' }, [
        h('h2', { className: 'jp-Credentials-sidebarTitle', text: 'Remotes' }),
        refresh
      ]),
      this._items,
      add
    );
    this.render();
  }

  get selected(): string | null {
    return this._selected;
  }
  set selected(name: string | null) {
    this._selected = name;
    for (const button of this._items.querySelectorAll<HTMLElement>(
      '.jp-Credentials-remote'
    )) {
      const current = button.dataset.name === name;
      button.classList.toggle('jp-mod-selected', current);
      button.setAttribute('aria-current', current ? 'true' : 'false');
    }
  }

  render(): void {
    const remotes = this._manager.remotes;
    if (!remotes.length) {
      this._items.replaceChildren(
        h('li', {
          className: 'jp-Credentials-noRemotes',
          text: 'No remotes yet.'
        })
      );
      return;
    }
    this._items.replaceChildren(
      ...remotes.map(remote => {
        const button = h(
          'button',
          {
            className: 'jp-Credentials-remote',
            attrs: { type: 'button', 'data-name': remote.name }
          },
          [
            h('span', { className: 'jp-Credentials-remoteLine' }, [
              h('span', {
                className: 'jp-Credentials-remoteName',
                text: remote.name
              }),
              h('span', {
                className: 'jp-Credentials-provider',
                text: PROVIDERS[remote.provider].label
              })
            ]),
            renderSources(remote)
          ]
        );
        button.addEventListener('click', () =>
          this._callbacks.onSelect(remote.name)
        );
        return h('li', {}, [button]);
      })
    );
    this.selected = this._selected;
  }

  private readonly _items: HTMLUListElement;
  private _selected: string | null = null;
}
