// What "Use on my computer" says about the credentials it shows: pure, so
// Node's test runner checks it without a browser.
import type { ITakeHome } from '@jupyter-buckets/core';

/** "until 14:05 (in 59 min)" */
export function expiryText(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  const minutes = Math.max(0, Math.round((at.getTime() - now) / 60_000));
  const left =
    minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} min`;
  const time = at.toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit'
  });
  return `until ${time} (in ${left})`;
}

/** One sentence on what the snippets carry. */
export function credentialsSummary(
  answer: ITakeHome,
  now = Date.now()
): string {
  const c = answer.credentials;
  switch (c.kind) {
    case 'anonymous':
      return 'A public bucket: no credentials are needed.';
    case 'saved':
      return "These carry the remote's long-lived secret: anyone who sees them can use it until the key is revoked. Do not share or commit them.";
    case 'none':
      return answer.provider === 'gcs'
        ? 'These sign in with your own Google account (gcloud auth application-default login).'
        : 'Fill in keys you already have.';
    case 'temporary': {
      const what =
        answer.provider === 'gcs' ? 'An access token' : 'Temporary keys';
      const reach = c.reach?.bucket
        ? `for ${c.reach.bucket} only`
        : "for everything the hub's credentials reach";
      const access = c.reach?.readOnly ? 'read-only' : 'read and write';
      const expiry = c.expires ? `, valid ${expiryText(c.expires, now)}` : '';
      return `${what} ${reach}, ${access}${expiry}.`;
    }
  }
}
