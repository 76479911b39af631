// The "Run as a cloud transfer" checkbox of the transfer dialogs, shown only
// for a transfer from buckets into a GCS bucket. Once ticked, a copy or a
// move asks what happens to files that exist there (the service cannot ask
// later, as the conflict question does for a job run here); a sync says it
// replaces those that differ.
import { Signal, type ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { h } from '../widgets/dom';
import {
  CLOUD_CONFLICT_CHOICES,
  CLOUD_CONFLICT_QUESTION,
  CLOUD_SYNC_NOTE,
  CLOUD_TITLE,
  RUN_IN_CLOUD,
  type CloudConflictChoice
} from './cloud';

/** Radio groups are named per dialog. */
let options = 0;

export class CloudOption extends Widget {
  constructor(op: 'copy' | 'move' | 'sync') {
    super({ node: h('div', { className: 'jp-Buckets-cloudOption' }) });
    this._box = h('input', { attrs: { type: 'checkbox', name: 'cloud' } });
    this._box.addEventListener('change', () => {
      this._showFollowUp();
      this._ticked.emit(this._box.checked);
    });
    const group = `jp-Buckets-cloudConflict-${++options}`;
    this._choices = CLOUD_CONFLICT_CHOICES.map(({ choice }, index) => {
      const radio = h('input', {
        attrs: { type: 'radio', name: group, value: choice }
      });
      radio.checked = index === 0;
      return radio;
    });
    this._followUp =
      op === 'sync'
        ? h('div', {
            className: 'jp-Buckets-cloudFollowUp',
            text: CLOUD_SYNC_NOTE
          })
        : h(
            'div',
            {
              className: 'jp-Buckets-cloudFollowUp',
              attrs: {
                role: 'radiogroup',
                'aria-label': CLOUD_CONFLICT_QUESTION
              }
            },
            [
              h('span', { text: CLOUD_CONFLICT_QUESTION }),
              ...CLOUD_CONFLICT_CHOICES.map(({ label }, index) =>
                h('label', {}, [
                  this._choices[index],
                  h('span', { text: label })
                ])
              )
            ]
          );
    this.node.append(
      h('label', { className: 'jp-Buckets-cloudCheck', title: CLOUD_TITLE }, [
        this._box,
        h('span', { text: RUN_IN_CLOUD })
      ]),
      this._followUp
    );
    this._showFollowUp();
  }

  /** Show the box for a transfer the service may run; hide it for any other. */
  offer(offered: boolean): void {
    this.setHidden(!offered);
  }

  /** Whether the service is to run the transfer: offered and ticked. */
  get runInCloud(): boolean {
    return !this.isHidden && this._box.checked;
  }

  /** What happens to files that exist at the destination (a copy or a move). */
  get onConflict(): CloudConflictChoice {
    const index = this._choices.findIndex(radio => radio.checked);
    return CLOUD_CONFLICT_CHOICES[Math.max(0, index)].choice;
  }

  /** Fires when the user ticks or unticks the box. */
  get ticked(): ISignal<this, boolean> {
    return this._ticked;
  }

  /** Untick (another way to run the transfer was chosen). */
  untick(): void {
    this._box.checked = false;
    this._showFollowUp();
  }

  dispose(): void {
    Signal.clearData(this);
    super.dispose();
  }

  private _showFollowUp(): void {
    this._followUp.hidden = !this._box.checked;
  }

  private readonly _box: HTMLInputElement;
  private readonly _choices: HTMLInputElement[];
  private readonly _followUp: HTMLElement;
  private readonly _ticked = new Signal<this, boolean>(this);
}
