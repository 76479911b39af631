// Text onto the user's clipboard, with a short confirmation.
import { Clipboard, Notification } from '@jupyterlab/apputils';

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No permission (or not a secure context): JupyterLab's fallback.
    Clipboard.copyToSystem(text);
  }
  Notification.info('Copied to the clipboard', { autoClose: 2000 });
}
