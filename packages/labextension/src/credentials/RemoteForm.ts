// The form that creates or edits a remote, laid out per preset. Secrets live
// only in this form's inputs (and the key file's text in a local variable)
// until saved or discarded; they are cleared from the DOM after a save.
import type {
  IRemoteDetail,
  IRemoteInput,
  Provider,
  RemotePreset
} from '@jupyter-buckets/core';
import { Widget } from '@lumino/widgets';
import type { Message } from '@lumino/messaging';

import { BucketsError } from '../api';
import { h } from '../widgets/dom';
import type { RemotesManager } from './model';
import { AWS_REGIONS, osnEndpoint, osnPod, presetLabel } from './presets';
import { renderBanner, renderTestResult, renderTesting } from './render';

type GcsMode = 'keep' | 'upload' | 'file' | 'adc';

let formCount = 0;

export class RemoteForm extends Widget {
  constructor(options: IRemoteFormOptions) {
    super({ node: h('form', { className: 'jp-Credentials-form' }) });
    this._manager = options.manager;
    this._detail = options.detail ?? null;
    this._preset = options.preset;
    this._onSaved = options.onSaved;
    this._onCancel = options.onCancel;
    this._prefix = `jp-Credentials-f${++formCount}-`;
    this.node.setAttribute('novalidate', '');
    this.node.setAttribute(
      'aria-label',
      this._detail ? `Edit ${this._detail.name}` : 'New remote'
    );
    this._build();
    this.node.addEventListener('submit', this._onSubmit);
    this.node.addEventListener('keydown', this._onKeyDown);
  }

  get preset(): RemotePreset {
    return this._preset;
  }

  /** The saved name when editing, null for a new remote. */
  get editing(): string | null {
    return this._detail?.name ?? null;
  }

  dispose(): void {
    this._clearSecrets();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._inputs.name?.focus();
  }

  /** What the form says, as the API takes it (empty secrets left out on edit). */
  input(): IRemoteInput {
    const preset = this._preset;
    const value = (key: string): string => this._inputs[key]?.value ?? '';
    const input: IRemoteInput = { name: value('name'), preset };
    const provider =
      preset === 'public'
        ? (value('provider') as Provider)
        : preset === 'gcs'
          ? 'gcs'
          : 's3';
    if (preset === 'public') {
      input.provider = provider;
    }
    if (this._visible('endpoint') && value('endpoint') !== '') {
      input.endpoint = value('endpoint');
    }
    if (this._visible('region') && value('region') !== '') {
      input.region = value('region');
    }
    if (this._visible('pathStyle')) {
      input.pathStyle = (this._inputs.pathStyle as HTMLInputElement).checked;
    }
    if (this._visible('accessKeyId')) {
      // On edit, empty means "keep the saved key"; a new remote sends it as typed.
      if (!this._detail || value('accessKeyId') !== '') {
        input.accessKeyId = value('accessKeyId');
      }
      if (!this._detail || value('secretAccessKey') !== '') {
        input.secretAccessKey = value('secretAccessKey');
      }
    }
    if (preset === 'gcs') {
      const mode = this._gcsMode();
      if (mode === 'upload') {
        input.serviceAccountJson = this._keyText ?? '';
      } else if (mode === 'file') {
        input.serviceAccountFile = value('serviceAccountFile');
      } else if (mode === 'adc') {
        input.useApplicationDefault = true;
      }
    }
    input.bookmarks = this._bookmarkInputs()
      .map(i => i.value.trim())
      .filter(v => v !== '');
    return input;
  }

  /** Show a failure: a field's own message, or a banner (the form keeps its values). */
  showError(error: unknown): void {
    this._clearErrors();
    const err =
      error instanceof BucketsError
        ? error
        : new BucketsError('internal', String(error));
    const field =
      err.field && this._rows[err.field] && !this._rows[err.field].hidden
        ? err.field
        : err.field === 'serviceAccountJson' ||
            err.field === 'serviceAccountFile'
          ? 'gcsMode'
          : null;
    if (field && this._rows[field]) {
      const row = this._rows[field];
      row.classList.add('jp-mod-invalid');
      const message = row.querySelector('.jp-Credentials-fieldError')!;
      message.textContent = err.hint
        ? `${err.message} ${err.hint}`
        : err.message;
      const control =
        field === 'gcsMode'
          ? this._modeControl()
          : (this._inputs[field] ?? row.querySelector('input'));
      control?.setAttribute('aria-invalid', 'true');
      control?.focus();
      return;
    }
    this._banner.replaceChildren(renderBanner(err));
    this._banner.hidden = false;
  }

  private _build(): void {
    const detail = this._detail;
    const preset = this._preset;
    const title = detail
      ? `Edit ${detail.name}`
      : `New remote: ${presetLabel(preset)}`;
    this._banner = h('div', { className: 'jp-Credentials-banner' });
    this._banner.hidden = true;
    this.node.append(
      h('h2', { className: 'jp-Credentials-heading', text: title }),
      this._banner
    );

    this._text('name', 'Name', {
      value: detail?.name ?? '',
      help: detail
        ? 'Renaming changes the AWS profile and the rclone remote alike.'
        : 'The AWS profile and the rclone remote get this name: `--profile NAME`, `NAME:bucket`.',
      attrs: { required: '', autocomplete: 'off', spellcheck: 'false' }
    });

    if (preset === 'public') {
      const select = h('select', { attrs: { id: this._id('provider') } }, [
        h('option', {
          text: 'Amazon S3 or S3-compatible',
          attrs: { value: 's3' }
        }),
        h('option', { text: 'Google Cloud Storage', attrs: { value: 'gcs' } })
      ]);
      select.value = detail?.provider ?? 's3';
      select.addEventListener('change', () => this._syncVisibility());
      this._row('provider', 'Provider', select);
    }

    if (preset === 'osn') {
      this._text('pod', 'Pod', {
        value: osnPod(detail?.endpoint),
        placeholder: 'e.g. uri',
        help: 'The pod your allocation is on: the endpoint becomes https://POD.osn.mghpcc.org.',
        attrs: { autocomplete: 'off', spellcheck: 'false' }
      });
      this._inputs.pod.addEventListener('input', () => {
        const pod = this._inputs.pod.value.trim();
        this._inputs.endpoint.value = pod ? osnEndpoint(pod) : '';
      });
    }
    if (preset === 'osn' || preset === 's3-compatible' || preset === 'public') {
      this._text('endpoint', 'Endpoint', {
        value: detail?.endpoint ?? '',
        type: 'url',
        placeholder:
          preset === 'osn'
            ? 'https://<pod>.osn.mghpcc.org'
            : preset === 'public'
              ? "Optional: the provider's own when empty"
              : 'https://s3.example.org',
        attrs: { autocomplete: 'off', spellcheck: 'false' }
      });
    }
    if (preset === 'aws' || preset === 's3-compatible' || preset === 'public') {
      const listId = this._id('regions');
      this._text('region', 'Region', {
        value: detail?.region ?? (preset === 'aws' ? 'us-east-1' : ''),
        placeholder: preset === 'aws' ? 'us-east-1' : 'Optional',
        attrs: { list: listId, autocomplete: 'off', spellcheck: 'false' }
      });
      this._rows.region.append(
        h(
          'datalist',
          { attrs: { id: listId } },
          AWS_REGIONS.map(r => h('option', { attrs: { value: r } }))
        )
      );
    }
    if (preset === 'osn' || preset === 's3-compatible' || preset === 'public') {
      const box = h('input', {
        attrs: { type: 'checkbox', id: this._id('pathStyle') }
      });
      box.checked = detail?.pathStyle ?? preset !== 'public';
      this._inputs.pathStyle = box;
      const row = h(
        'div',
        {
          className: 'jp-Credentials-field jp-mod-checkbox',
          attrs: { 'data-field': 'pathStyle' }
        },
        [
          box,
          h('label', {
            text: 'Path-style addressing (endpoint/bucket/key)',
            attrs: { for: box.id }
          }),
          h('div', {
            className: 'jp-Credentials-fieldError',
            attrs: { role: 'alert' }
          })
        ]
      );
      this._rows.pathStyle = row;
      this.node.append(row);
    }

    if (preset === 'aws' || preset === 'osn' || preset === 's3-compatible') {
      this._text('accessKeyId', 'Access key ID', {
        placeholder: detail?.accessKeyIdHint ?? '',
        help: detail?.accessKeyIdHint
          ? 'Leave empty to keep the saved key ID.'
          : undefined,
        attrs: { autocomplete: 'off', spellcheck: 'false' }
      });
      this._text('secretAccessKey', 'Secret access key', {
        type: 'password',
        placeholder: detail?.secretAccessKeyHint ?? '',
        help: detail?.secretAccessKeyHint
          ? 'Leave empty to keep the saved secret.'
          : 'Stored only in your AWS credentials file and rclone.conf.',
        attrs: { autocomplete: 'new-password', spellcheck: 'false' }
      });
    }

    if (preset === 'gcs') {
      this._buildGcs();
    }
    this._buildBookmarks();

    this._result = h('div', {
      className: 'jp-Credentials-testResult',
      attrs: { 'aria-live': 'polite' }
    });
    const test = h('button', {
      className: 'jp-mod-styled jp-Credentials-test',
      text: 'Test connection',
      attrs: { type: 'button' }
    });
    test.addEventListener('click', () => void this._test());
    const cancel = h('button', {
      className: 'jp-mod-styled jp-mod-reject',
      text: 'Cancel',
      attrs: { type: 'button' }
    });
    cancel.addEventListener('click', () => this._onCancel());
    this._save = h('button', {
      className: 'jp-mod-styled jp-mod-accept jp-Credentials-save',
      text: 'Save',
      attrs: { type: 'submit' }
    });
    this.node.append(
      this._result,
      h('div', { className: 'jp-Credentials-actions' }, [
        test,
        h('span', { className: 'jp-Credentials-spacer' }),
        cancel,
        this._save
      ])
    );
    this._syncVisibility();
  }

  private _buildGcs(): void {
    const detail = this._detail;
    const modes: [GcsMode, string][] = [];
    if (detail?.hasCredentials && !detail.useApplicationDefault) {
      modes.push([
        'keep',
        `Keep the saved key${detail.serviceAccountEmail ? ` (${detail.serviceAccountEmail})` : ''}`
      ]);
    }
    modes.push(
      ['upload', 'Upload a service-account JSON key'],
      ['file', 'A key file on the server'],
      ['adc', 'Application default credentials']
    );
    const initial: GcsMode = detail?.useApplicationDefault
      ? 'adc'
      : modes[0][0];
    const group = h('div', {
      className: 'jp-Credentials-radios',
      attrs: { role: 'radiogroup', 'aria-label': 'Credentials' }
    });
    for (const [mode, label] of modes) {
      const id = this._id(`gcs-${mode}`);
      const radio = h('input', {
        attrs: {
          type: 'radio',
          name: this._id('gcsMode'),
          value: mode,
          id
        }
      });
      radio.checked = mode === initial;
      radio.addEventListener('change', () => this._syncVisibility());
      group.append(
        h('div', { className: 'jp-Credentials-radio' }, [
          radio,
          h('label', { text: label, attrs: { for: id } })
        ])
      );
    }
    this._row('gcsMode', 'Credentials', group, { labelFor: false });

    const file = h('input', {
      attrs: {
        type: 'file',
        accept: '.json,application/json',
        id: this._id('serviceAccountJson')
      }
    });
    file.addEventListener('change', () => {
      const chosen = file.files?.[0];
      this._keyText = null;
      if (!chosen) {
        return;
      }
      this._keyRead = chosen.text().then(
        text => {
          this._keyText = text;
        },
        () => {
          this._keyText = '';
        }
      );
    });
    this._inputs.serviceAccountJson = file;
    this._row('serviceAccountJson', 'Key file (JSON)', file, {
      help: 'Stored with permissions 0600 under your config folder; the panel never shows it again.'
    });
    this._text('serviceAccountFile', 'Key file path', {
      value: detail?.serviceAccountFile ?? '',
      placeholder: '/home/jovyan/.config/gcloud/key.json',
      attrs: { autocomplete: 'off', spellcheck: 'false' }
    });
  }

  private _buildBookmarks(): void {
    this._bookmarks = h('ul', { className: 'jp-Credentials-bookmarkList' });
    const add = h('button', {
      className: 'jp-mod-styled jp-Credentials-addBookmark',
      text: 'Add bookmark',
      attrs: { type: 'button' }
    });
    add.addEventListener('click', () => {
      this._addBookmark('').focus();
    });
    const userBookmarks = (this._detail?.bookmarks ?? []).filter(
      b => b.source === 'user'
    );
    for (const bookmark of userBookmarks) {
      this._addBookmark(bookmark.path);
    }
    const wrapper = h('div', {}, [this._bookmarks, add]);
    this._row('bookmarks', 'Bookmarks', wrapper, {
      labelFor: false,
      help: 'Buckets or folders (bucket/prefix/) shown first under this remote: useful when you may read a bucket but not list all buckets.'
    });
  }

  private _addBookmark(path: string): HTMLInputElement {
    const index = this._bookmarks.children.length;
    const input = h('input', {
      className: 'jp-Credentials-bookmark',
      attrs: {
        type: 'text',
        placeholder: 'bucket or bucket/prefix/',
        'aria-label': `Bookmark ${index + 1}`,
        spellcheck: 'false',
        autocomplete: 'off'
      }
    });
    input.value = path;
    const remove = h('button', {
      className: 'jp-mod-styled jp-Credentials-removeBookmark',
      text: 'Remove',
      attrs: { type: 'button', 'aria-label': `Remove bookmark ${index + 1}` }
    });
    const item = h('li', {}, [input, remove]);
    remove.addEventListener('click', () => item.remove());
    this._bookmarks.append(item);
    return input;
  }

  private _bookmarkInputs(): HTMLInputElement[] {
    return Array.from(
      this._bookmarks.querySelectorAll<HTMLInputElement>(
        'input.jp-Credentials-bookmark'
      )
    );
  }

  private _text(
    key: string,
    label: string,
    options: {
      value?: string;
      type?: string;
      placeholder?: string;
      help?: string;
      attrs?: Record<string, string>;
    }
  ): HTMLInputElement {
    const input = h('input', {
      attrs: {
        type: options.type ?? 'text',
        id: this._id(key),
        name: key,
        ...(options.placeholder ? { placeholder: options.placeholder } : {}),
        ...options.attrs
      }
    });
    input.value = options.value ?? '';
    this._inputs[key] = input;
    this._row(key, label, input, { help: options.help });
    return input;
  }

  private _row(
    key: string,
    label: string,
    control: HTMLElement,
    options: { help?: string; labelFor?: boolean } = {}
  ): HTMLElement {
    if (control instanceof HTMLSelectElement) {
      this._inputs[key] = control;
    }
    const labelNode = h('label', {
      className: 'jp-Credentials-label',
      text: label
    });
    if (options.labelFor !== false && control.id) {
      labelNode.htmlFor = control.id;
    }
    const helpId = this._id(`${key}-help`);
    const errorId = this._id(`${key}-error`);
    const children: Node[] = [labelNode, control];
    if (options.help) {
      children.push(
        h('div', {
          className: 'jp-Credentials-help',
          text: options.help.replace(/`/g, ''),
          attrs: { id: helpId }
        })
      );
    }
    children.push(
      h('div', {
        className: 'jp-Credentials-fieldError',
        attrs: { id: errorId, role: 'alert' }
      })
    );
    control.setAttribute(
      'aria-describedby',
      options.help ? `${helpId} ${errorId}` : errorId
    );
    const row = h(
      'div',
      { className: 'jp-Credentials-field', attrs: { 'data-field': key } },
      children
    );
    this._rows[key] = row;
    this.node.append(row);
    return row;
  }

  private _id(key: string): string {
    return this._prefix + key;
  }

  private _visible(key: string): boolean {
    const row = this._rows[key];
    return row !== undefined && !row.hidden;
  }

  private _gcsMode(): GcsMode {
    const checked = this.node.querySelector<HTMLInputElement>(
      `input[name="${this._id('gcsMode')}"]:checked`
    );
    return (checked?.value as GcsMode) ?? 'upload';
  }

  private _modeControl(): HTMLInputElement | null {
    return this.node.querySelector<HTMLInputElement>(
      `input[name="${this._id('gcsMode')}"]:checked`
    );
  }

  /** Rows that depend on other choices: the public provider, the GCS key mode. */
  private _syncVisibility(): void {
    const show = (key: string, visible: boolean) => {
      if (this._rows[key]) {
        this._rows[key].hidden = !visible;
      }
    };
    if (this._preset === 'public') {
      const s3 = this._inputs.provider.value === 's3';
      show('region', s3);
      show('pathStyle', s3);
    }
    if (this._preset === 'gcs') {
      const mode = this._gcsMode();
      show('serviceAccountJson', mode === 'upload');
      show('serviceAccountFile', mode === 'file');
    }
  }

  private _clearErrors(): void {
    this._banner.replaceChildren();
    this._banner.hidden = true;
    for (const row of Object.values(this._rows)) {
      row.classList.remove('jp-mod-invalid');
      row.querySelector('.jp-Credentials-fieldError')!.textContent = '';
    }
    this.node
      .querySelectorAll('[aria-invalid]')
      .forEach(node => node.removeAttribute('aria-invalid'));
  }

  private _clearSecrets(): void {
    for (const key of ['secretAccessKey', 'serviceAccountJson']) {
      const input = this._inputs[key] as HTMLInputElement | undefined;
      if (input) {
        input.value = '';
      }
    }
    this._keyText = null;
  }

  private async _test(): Promise<void> {
    this._clearErrors();
    this._result.replaceChildren(renderTesting());
    await this._keyRead;
    const input = this.input();
    try {
      const result = await this._manager.test(
        this._detail ? { name: this._detail.name, input } : { input }
      );
      this._result.replaceChildren(renderTestResult(result));
    } catch (error) {
      this._result.replaceChildren();
      this.showError(error);
    }
  }

  private _onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    void this._submit();
  };

  private async _submit(): Promise<void> {
    if (this._saving) {
      return;
    }
    this._saving = true;
    this._save.disabled = true;
    this._clearErrors();
    try {
      await this._keyRead;
      const input = this.input();
      const detail = this._detail
        ? await this._manager.update(this._detail.name, input)
        : await this._manager.create(input);
      this._clearSecrets();
      this._onSaved(detail);
    } catch (error) {
      this.showError(error);
    } finally {
      this._saving = false;
      this._save.disabled = false;
    }
  }

  private _onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this._onCancel();
    }
  };

  private readonly _manager: RemotesManager;
  private readonly _detail: IRemoteDetail | null;
  private readonly _preset: RemotePreset;
  private readonly _onSaved: (detail: IRemoteDetail) => void;
  private readonly _onCancel: () => void;
  private readonly _prefix: string;
  private readonly _inputs: Record<
    string,
    HTMLInputElement | HTMLSelectElement
  > = {};
  private readonly _rows: Record<string, HTMLElement> = {};
  private _banner!: HTMLElement;
  private _result!: HTMLElement;
  private _save!: HTMLButtonElement;
  private _bookmarks!: HTMLUListElement;
  /** The uploaded key's text: kept only until save or cancel. */
  private _keyText: string | null = null;
  /** Settles once the chosen key file has been read. */
  private _keyRead: Promise<void> = Promise.resolve();
  private _saving = false;
}

export interface IRemoteFormOptions {
  manager: RemotesManager;
  preset: RemotePreset;
  /** The remote being edited; absent for a new one. */
  detail?: IRemoteDetail;
  onSaved: (detail: IRemoteDetail) => void;
  onCancel: () => void;
}
