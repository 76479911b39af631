// The file browser and the Buckets panel share the left sidebar, so a drag
// from one cannot reach the other. While files or bucket rows are dragged,
// resting on the other panel's sidebar tab for a moment opens it (like the
// spring-loaded folders of a desktop file manager); the drop then lands there.
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { Drag } from '@lumino/dragdrop';

import { BUCKET_ENTRIES_MIME, CONTENTS_MIME } from './entries';

/** How long the pointer rests on a tab before its panel opens. */
const SPRING_MS = 500;
const SIDE_TAB = '.jp-SideBar .lm-TabBar-tab[data-id]';

export function springLoadSideTabs(app: JupyterFrontEnd, ids: string[]): void {
  let over: string | null = null;
  let timer = 0;
  const reset = (): void => {
    window.clearTimeout(timer);
    over = null;
  };
  document.addEventListener(
    'lm-dragenter',
    event => {
      const drag = event as Drag.Event;
      if (
        // Lumino repeats an unaccepted dragenter on the body: not a move.
        event.target === document.body ||
        (!drag.mimeData?.hasData(CONTENTS_MIME) &&
          !drag.mimeData?.hasData(BUCKET_ENTRIES_MIME))
      ) {
        return;
      }
      const tab = (event.target as HTMLElement | null)?.closest?.<HTMLElement>(
        SIDE_TAB
      );
      const id = tab?.dataset.id ?? null;
      if (id === over) {
        return;
      }
      reset();
      if (id && ids.includes(id)) {
        over = id;
        timer = window.setTimeout(() => app.shell.activateById(id), SPRING_MS);
      }
    },
    true
  );
  document.addEventListener('lm-drop', reset, true);
  // A drag released anywhere (or cancelled with Escape) ends with a pointerup.
  document.addEventListener('pointerup', reset, true);
}
