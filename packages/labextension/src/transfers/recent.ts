// Recent bucket destinations of the transfer dialogs (TransferDialog.ts), newest
// first, in the browser's storage (locations are not secret).
import { readJSON, writeJSON } from './storage';

const RECENT_KEY = 'jupyter-buckets:recent-destinations';
const MAX_RECENT = 8;

export function recentDestinations(): string[] {
  const list = readJSON<unknown>(RECENT_KEY, []);
  return Array.isArray(list)
    ? list.filter((item): item is string => typeof item === 'string')
    : [];
}

export function rememberDestination(location: string): void {
  const list = [
    location,
    ...recentDestinations().filter(item => item !== location)
  ].slice(0, MAX_RECENT);
  writeJSON(RECENT_KEY, list);
}
