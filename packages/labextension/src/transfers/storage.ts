// What the transfers UI remembers in the browser: job ids the user cleared,
// whether there were jobs (so a reload looks for them), recent destinations.
// None of it is secret; secrets never reach the browser's storage.

export function readJSON<T>(key: string, fallback: T): T {
  try {
    const text = window.localStorage.getItem(key);
    return text === null ? fallback : (JSON.parse(text) as T);
  } catch {
    return fallback;
  }
}

export function writeJSON(key: string, value: unknown): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or storage disabled: the UI then forgets, nothing breaks.
  }
}
