/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ITakeHome } from '@jupyter-buckets/core';

import { credentialsSummary, expiryText } from './take-home-text.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');

function answer(
  credentials: ITakeHome['credentials'],
  provider: 's3' | 'gcs' = 's3'
): ITakeHome {
  return { remote: 'osn', provider, credentials, snippets: [] };
}

test('the expiry says how long is left', () => {
  assert.match(expiryText('2026-12-03T13:00:00Z', NOW), /\(in 60 min\)$/);
  assert.match(expiryText('2026-12-04T00:00:00Z', NOW), /\(in 12 hours\)$/);
  assert.match(expiryText('2026-12-03T11:00:00Z', NOW), /\(in 0 min\)$/);
});

test('the summary names the reach, the access and the expiry', () => {
  assert.match(
    credentialsSummary(
      answer({
        kind: 'temporary',
        savedAvailable: true,
        expires: '2026-12-03T13:00:00Z',
        reach: { bucket: 'leap', readOnly: true }
      }),
      NOW
    ),
    /^Temporary keys for leap only, read-only, valid until .* \(in 60 min\)\.$/
  );
  assert.match(
    credentialsSummary(
      answer(
        {
          kind: 'temporary',
          savedAvailable: false,
          reach: { readOnly: false }
        },
        'gcs'
      ),
      NOW
    ),
    /^An access token for everything the hub's credentials reach, read and write\.$/
  );
  assert.match(
    credentialsSummary(answer({ kind: 'saved', savedAvailable: true })),
    /long-lived secret/
  );
});
