/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { markUntrusted, stripTransient } from './trust.js';

function forged(): Record<string, unknown> {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { signature: 'sha256:forged', kernelspec: { name: 'python3' } },
    cells: [
      {
        cell_type: 'code',
        metadata: { trusted: true, tags: ['keep'] },
        source: '',
        outputs: [
          {
            output_type: 'display_data',
            data: { 'text/html': '<script>alert(1)</script>' },
            metadata: {}
          }
        ]
      },
      { cell_type: 'markdown', metadata: { trusted: true }, source: 'x' },
      { cell_type: 'raw', source: 'no metadata at all' }
    ]
  };
}

test('every cell of a notebook read from a bucket is untrusted, whatever it claims', () => {
  const notebook = markUntrusted(forged()) as {
    cells: { metadata: Record<string, unknown> }[];
  };
  assert.deepEqual(
    notebook.cells.map(cell => cell.metadata.trusted),
    [false, false, false]
  );
  // Other metadata is left alone.
  assert.deepEqual(notebook.cells[0].metadata.tags, ['keep']);
});

test('v3 notebooks (worksheets) are covered too, and non-notebooks pass through', () => {
  const v3 = markUntrusted({
    nbformat: 3,
    worksheets: [
      { cells: [{ cell_type: 'code', metadata: { trusted: true } }] }
    ]
  }) as { worksheets: { cells: { metadata: { trusted: boolean } }[] }[] };
  assert.equal(v3.worksheets[0].cells[0].metadata.trusted, false);
  assert.equal(markUntrusted('text'), 'text');
  assert.deepEqual(markUntrusted({ cells: 'nope' }), { cells: 'nope' });
});

test('a saved notebook carries no trust claim and no signature', () => {
  const original = forged();
  const saved = stripTransient(original) as {
    metadata: Record<string, unknown>;
    cells: { metadata?: Record<string, unknown> }[];
  };
  assert.equal('signature' in saved.metadata, false);
  assert.deepEqual(saved.metadata.kernelspec, { name: 'python3' });
  assert.deepEqual(
    saved.cells.map(cell => cell.metadata?.trusted),
    [undefined, undefined, undefined]
  );
  assert.deepEqual(saved.cells[0].metadata?.tags, ['keep']);
  // The document's own model is not changed by saving.
  assert.equal(
    (original.cells as { metadata: { trusted: boolean } }[])[0].metadata
      .trusted,
    true
  );
});
