// What every action of the Buckets panel is built from. An action started
// from the context menu is about the row under it (with the rest of the
// selection when that row is selected); from the palette or a key, about the
// selection.
import type { Provider } from '@jupyter-buckets/core';
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';

import { documentPath } from '../drive/paths';
import type { IBucketsModel, ITransfersModel } from '../tokens';
import { objectRefusal, refusalLabel } from '../rules';
import { showActionError } from '../widgets/errors';
import type { DriveLookup } from './rename';
import { isRow, resolveTargets, targetsOf, type ITarget } from './targets';

export interface IActionsOptions {
  app: JupyterFrontEnd;
  model: IBucketsModel;
  /** The Buckets panel's node (its rows tell which entry a click or menu hit). */
  panel: HTMLElement;
  docManager: IDocumentManager;
  /** Where "Download to Jupyter" writes: the file browser's folder. */
  fileBrowser?: IDefaultFileBrowser | null;
  /** Runs "Download to Jupyter" as a job (the action is hidden without it). */
  transfers?: ITransfersModel | null;
  palette?: ICommandPalette | null;
  /** The bucket drives (a rename onto an existing name replaces through them). */
  drives?: DriveLookup;
}

export interface IActionContext extends IActionsOptions {
  /** The row the context menu was opened on, if any. */
  hit(): HTMLElement | undefined;
  /** The loaded entries only, but at once: for isEnabled and labels. */
  targets(): ITarget[];
  objects(): ITarget[];
  /** The single target, when there is exactly one. */
  one(): ITarget | undefined;
  oneObject(): ITarget | undefined;
  /** For acting: every target, after select-all's remaining pages are loaded. */
  allTargets(): Promise<ITarget[]>;
  allObjects(): Promise<ITarget[]>;
  providerOf(remote: string): Provider;
  /**
   * Why the hub admin's rules refuse changing these targets (delete,
   * rename), for the action's tooltip; undefined when they allow it.
   */
  refusal(targets: ITarget[]): string | undefined;
  /** `label`, with why it is refused on the targets when it is: 'Delete (read-only)'. */
  refusedLabel(label: string): string;
}

export function actionContext(options: IActionsOptions): IActionContext {
  const { app, model } = options;
  const hit = (): HTMLElement | undefined =>
    app.contextMenuHitTest(isRow) as HTMLElement | undefined;
  const targets = (): ITarget[] => targetsOf(hit(), model);
  const allTargets = (): Promise<ITarget[]> => resolveTargets(hit(), model);
  const one = (): ITarget | undefined => {
    const all = targets();
    return all.length === 1 ? all[0] : undefined;
  };
  return {
    ...options,
    hit,
    targets,
    objects: () => targets().filter(isObject),
    one,
    oneObject: () => {
      const target = one();
      return target && isObject(target) ? target : undefined;
    },
    allTargets,
    allObjects: async () => (await allTargets()).filter(isObject),
    providerOf: remote =>
      model.remotes.find(r => r.name === remote)?.provider ?? 's3',
    refusal: all => refusalOf(model, all),
    refusedLabel: label => {
      const refused = refusalOf(model, targets());
      return refused ? `${label} (${refusalLabel(refused)})` : label;
    }
  };
}

/** Why the admin's rules refuse changing these targets, or undefined. */
function refusalOf(model: IBucketsModel, all: ITarget[]): string | undefined {
  for (const target of all) {
    const refused = objectRefusal(
      model.remotes.find(r => r.name === target.remote),
      target.bucket,
      target.key
    );
    if (refused) {
      return refused;
    }
  }
  return undefined;
}

function isObject(target: ITarget): boolean {
  return target.kind === 'object';
}

/** Where JupyterLab's document manager opens the target. */
export function pathOf(target: ITarget): string {
  return documentPath(target.remote, target.bucket, target.key);
}

/** An action's body, whose failure is said in a dialog titled `title`. */
export function guard(
  title: string,
  run: () => Promise<unknown>
): () => Promise<void> {
  return async () => {
    try {
      await run();
    } catch (error) {
      await showActionError(title, error);
    }
  };
}

/** guard() for an action on a single target: `pick` finds it (none: no-op). */
export function guardOne(
  title: string,
  pick: () => ITarget | undefined,
  run: (target: ITarget) => Promise<unknown>
): () => Promise<void> {
  return guard(title, async () => {
    const target = pick();
    if (target) {
      await run(target);
    }
  });
}
