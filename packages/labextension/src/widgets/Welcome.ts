// What a new user sees when no remote exists yet: what the panel is for and
// one click to each kind of remote, instead of an error about ~/.aws.
import type { RemotePreset } from '@jupyter-buckets/core';

import { PRESETS } from '../credentials/presets';
import { h } from './dom';

/** Opens the credentials panel on a preset's form, or on the chooser. */
export type AddRemote = (preset?: RemotePreset) => void;

export function renderWelcome(addRemote: AddRemote): HTMLElement {
  const presets = PRESETS.map(p => {
    const button = h(
      'button',
      {
        className: 'jp-Buckets-welcomePreset',
        title: p.description,
        attrs: { type: 'button', 'data-preset': p.preset }
      },
      [h('span', { text: p.label })]
    );
    button.addEventListener('click', () => addRemote(p.preset));
    return button;
  });
  const add = h('button', {
    className: 'jp-mod-styled jp-mod-accept jp-Buckets-welcomeAdd',
    text: 'Add a remote',
    attrs: { type: 'button' }
  });
  add.addEventListener('click', () => addRemote());
  return h(
    'div',
    {
      className: 'jp-Buckets-welcome',
      attrs: { role: 'region', 'aria-label': 'Welcome' }
    },
    [
      h('h2', {
        className: 'jp-Buckets-welcomeTitle',
        text: 'Connect a bucket'
      }),
      h('p', {
        className: 'jp-Buckets-welcomeText',
        text: 'Browse S3, Open Storage Network pods, other S3-compatible stores and Google Cloud Storage here, open files and copy data to and from this Jupyter. Add a remote to start: it is saved where the AWS CLI, rclone and fsspec look too.'
      }),
      add,
      h('div', { className: 'jp-Buckets-welcomePresets' }, presets)
    ]
  );
}
