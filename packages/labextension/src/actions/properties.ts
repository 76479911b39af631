// An object's properties: what the store says about it, in a dialog.
import {
  objectRoutes,
  objectUri,
  type IObjectStat
} from '@jupyter-buckets/core';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { infoIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { requestAPI } from '../api';
import type { ICommandSpec } from '../commands';
import { CommandIDs } from '../tokens';
import { h } from '../widgets/dom';
import { guardOne, type IActionContext } from './context';
import { OBJECT_ROW } from './targets';

export function propertiesSpec(ctx: IActionContext): ICommandSpec {
  return {
    id: CommandIDs.properties,
    label: 'Properties',
    caption: 'Size, dates, checksums, content type, storage class, metadata',
    icon: infoIcon,
    isEnabled: () => ctx.oneObject() !== undefined,
    execute: guardOne('Properties unavailable', ctx.oneObject, async target => {
      const { remote, bucket, key } = target;
      const stat = await requestAPI<IObjectStat>(
        objectRoutes.object(remote, bucket, key)
      );
      await showDialog({
        title: `Properties of ${target.name}`,
        body: propertiesBody(
          stat,
          objectUri(ctx.providerOf(remote), bucket, key)
        ),
        buttons: [Dialog.okButton({ label: 'Close' })]
      });
    }),
    contextMenu: { selector: OBJECT_ROW, rank: 12 },
    palette: true
  };
}

function propertiesBody(stat: IObjectStat, uri: string): Widget {
  const rows: [string, string][] = [
    ['URI', uri],
    ['Size', `${stat.size.toLocaleString()} bytes`],
    ['Modified', stat.modified ? new Date(stat.modified).toLocaleString() : ''],
    ['Content type', stat.contentType ?? ''],
    ['Storage class', stat.storageClass ?? ''],
    ['ETag', stat.etag ?? ''],
    ['MD5', stat.md5 ?? ''],
    ['CRC32C', stat.crc32c ?? '']
  ];
  for (const [name, value] of Object.entries(stat.metadata ?? {})) {
    rows.push([`Metadata: ${name}`, value]);
  }
  const table = h(
    'table',
    { className: 'jp-Buckets-properties' },
    rows
      .filter(([, value]) => value !== '')
      .map(([name, value]) =>
        h('tr', { attrs: { 'data-field': name } }, [
          h('th', { text: name }),
          h('td', { text: value })
        ])
      )
  );
  return new Widget({ node: table });
}
