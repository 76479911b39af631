// The question asked when a transfer would write over files: which files,
// both sides' sizes and dates, and Replace / Keep both / Skip, for all of
// them at once or file by file.
import type { ConflictChoice, ITransferConflict } from '@jupyter-buckets/core';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { formatModified, formatSize } from '../format';
import { h } from '../widgets/dom';
import {
  canAskEach,
  conflictTotal,
  listedConflicts,
  type ConflictAnswer,
  type IConflictingJob,
  type IConflictItem
} from './conflicts';

const CHOICE_LABELS: Record<ConflictChoice, string> = {
  replace: 'Replace',
  rename: 'Keep both',
  skip: 'Skip'
};

/**
 * Ask what to do with the conflicts of `jobs` (started together). With
 * "Apply to all" one choice answers every file; without it the question
 * comes back for the next file until each has its own answer.
 */
export async function askConflicts(
  jobs: ReadonlyArray<IConflictingJob>
): Promise<ConflictAnswer | null> {
  const items = listedConflicts(jobs);
  const total = conflictTotal(jobs);
  const eachAllowed = canAskEach(jobs) && items.length > 0;
  const choices: ConflictChoice[] = [];
  for (;;) {
    const current = choices.length;
    const body = new ConflictList({
      items,
      total,
      choices,
      current: eachAllowed ? current : null,
      // More files than could be listed: one choice for all is the only way.
      applyToAll: !eachAllowed
        ? 'forced'
        : total - current > 1
          ? 'offered'
          : 'none'
    });
    const name = items[current]?.conflict.path ?? 'A file';
    const result = await showDialog({
      title:
        total === 1
          ? `${name} exists at the destination`
          : current > 0
            ? `${name} exists at the destination (${current + 1} of ${total})`
            : `${total.toLocaleString('en')} files exist at the destination`,
      body,
      buttons: [
        Dialog.cancelButton(),
        choiceButton('skip', 'Leave the existing file as it is'),
        choiceButton(
          'rename',
          'Keep the existing file and write the new one as "name (1).ext"'
        ),
        choiceButton('replace', 'Write the new file over the existing one')
      ],
      // Enter keeps both: nothing is lost and nothing is left out.
      defaultButton: 2
    });
    const choice = result.button.actions.find(isChoice);
    if (!result.button.accept || !choice) {
      return null;
    }
    if (!eachAllowed || (current === 0 && result.value?.applyToAll)) {
      return { applyToAll: choice };
    }
    const rest = result.value?.applyToAll ? items.length - current : 1;
    choices.push(...Array<ConflictChoice>(rest).fill(choice));
    if (choices.length >= items.length) {
      return { perFile: choices };
    }
  }
}

function choiceButton(choice: ConflictChoice, caption: string): Dialog.IButton {
  const options = {
    label: CHOICE_LABELS[choice],
    caption,
    actions: [choice]
  };
  return choice === 'replace'
    ? Dialog.warnButton(options)
    : Dialog.okButton(options);
}

function isChoice(action: string): action is ConflictChoice {
  return action in CHOICE_LABELS;
}

interface IConflictListOptions {
  items: IConflictItem[];
  /** Conflicts in all, listed or not. */
  total: number;
  /** Answers so far, file by file (in the order of items). */
  choices: ReadonlyArray<ConflictChoice>;
  /** The file asked about, when asking file by file. */
  current: number | null;
  /** 'forced': checked and fixed (not every file could be listed). */
  applyToAll: 'none' | 'offered' | 'forced';
}

/** The dialog's body: the files, both sides of each, and "Apply to all". */
class ConflictList extends Widget {
  constructor(options: IConflictListOptions) {
    super({ node: h('div', { className: 'jp-Buckets-conflicts' }) });
    const { items, total, choices, current, applyToAll } = options;
    const header = h('tr', {}, [
      h('th', { text: 'Name' }),
      h('th', { text: 'New' }),
      h('th', { text: 'Existing' })
    ]);
    const rows = items.map((item, index) =>
      conflictRow(item.conflict, index === current, choices[index])
    );
    const table = h('table', { className: 'jp-Buckets-conflictTable' }, [
      h('thead', {}, [header]),
      h('tbody', {}, rows)
    ]);
    this.node.append(
      h('p', {
        text:
          total === 1
            ? 'A file of that name is already there.'
            : 'Files of these names are already there.'
      }),
      h('div', { className: 'jp-Buckets-conflictScroll' }, [table])
    );
    if (total > items.length) {
      this.node.append(
        h('p', {
          className: 'jp-Buckets-conflictMore',
          text: `and ${(total - items.length).toLocaleString('en')} more`
        })
      );
    }
    this._checkbox = h('input', {
      attrs: { type: 'checkbox', name: 'applyToAll' }
    });
    if (applyToAll !== 'none') {
      this._checkbox.checked = applyToAll === 'forced';
      this._checkbox.disabled = applyToAll === 'forced';
      const left = current === null ? total : total - current;
      this.node.append(
        h('label', { className: 'jp-Buckets-conflictApplyAll' }, [
          this._checkbox,
          document.createTextNode(
            current
              ? ` Apply to the ${left.toLocaleString('en')} files left`
              : ` Apply to all ${left.toLocaleString('en')} files`
          )
        ])
      );
    }
    // The row asked about stays in view in a long list.
    requestAnimationFrame(() =>
      this.node
        .querySelector('.jp-mod-current')
        ?.scrollIntoView({ block: 'nearest' })
    );
  }

  getValue(): { applyToAll: boolean } {
    return { applyToAll: this._checkbox.checked };
  }

  private readonly _checkbox: HTMLInputElement;
}

function conflictRow(
  conflict: ITransferConflict,
  current: boolean,
  choice: ConflictChoice | undefined
): HTMLElement {
  const row = h(
    'tr',
    {
      className: `jp-Buckets-conflict${current ? ' jp-mod-current' : ''}`,
      title: conflict.dst,
      attrs: { 'data-path': conflict.path }
    },
    [
      h('td', { className: 'jp-Buckets-conflictName' }, [
        h('span', { text: conflict.path }),
        ...(choice
          ? [
              h('span', {
                className: 'jp-Buckets-conflictChoice',
                text: CHOICE_LABELS[choice]
              })
            ]
          : [])
      ]),
      side('jp-Buckets-conflictNew', conflict.source),
      side('jp-Buckets-conflictExisting', conflict.existing)
    ]
  );
  if (current) {
    row.setAttribute('aria-current', 'true');
  }
  if (choice) {
    row.dataset.choice = choice;
  }
  return row;
}

/** One side of a conflict: its size and when it was last changed. */
function side(
  className: string,
  file: { size: number; modified?: string }
): HTMLElement {
  const modified = formatModified(file.modified);
  return h('td', { className }, [
    h('span', {
      className: 'jp-Buckets-conflictSize',
      text: formatSize(file.size)
    }),
    h('span', {
      className: 'jp-Buckets-conflictModified',
      text: modified.text,
      title: modified.title
    })
  ]);
}
