// Managing remotes from the credentials panel: the sidecar's /remotes routes,
// and a refresh of the Buckets panel after every change. No state is kept
// here beyond the remote list the Buckets model already holds; secrets pass
// through once (on save or test) and are never stored.
import {
  remoteRoutes,
  routes,
  takeHomeRoutes,
  type IConnectionTestRequest,
  type IConnectionTestResult,
  type IRemote,
  type IRemoteDetail,
  type IRemoteInput,
  type IRemoteSyncRequest,
  type ITakeHome,
  type ITakeHomeRequest
} from '@jupyter-buckets/core';
import { Signal, type ISignal } from '@lumino/signaling';

import { requestAPI } from '../api';
import type { BucketsChange, IBucketsModel } from '../tokens';

type Request = <T>(path: string, init?: RequestInit) => Promise<T>;

export class RemotesManager {
  constructor(options: IRemotesManagerOptions) {
    this._buckets = options.buckets;
    this._request = options.request ?? ((path, init) => requestAPI(path, init));
    this._buckets.stateChanged.connect(this._onBucketsChange, this);
  }

  /** Fires when the remote list changed (after a save, a delete, a refresh). */
  get remotesChanged(): ISignal<RemotesManager, void> {
    return this._remotesChanged;
  }

  get remotes(): ReadonlyArray<IRemote> {
    return this._buckets.remotes;
  }

  /** Load (or reload) the remote list through the Buckets model. */
  async refresh(): Promise<void> {
    if (this._buckets.started) {
      await this._buckets.refresh();
    } else {
      await this._buckets.start();
    }
  }

  detail(name: string): Promise<IRemoteDetail> {
    return this._request<IRemoteDetail>(remoteRoutes.remote(name));
  }

  async create(input: IRemoteInput): Promise<IRemoteDetail> {
    const detail = await this._request<IRemoteDetail>(routes.remotes(), {
      method: 'POST',
      body: JSON.stringify(input)
    });
    await this.refresh();
    return detail;
  }

  /** Save changes; `name` is the saved name (input.name differs on rename). */
  async update(name: string, input: IRemoteInput): Promise<IRemoteDetail> {
    const detail = await this._request<IRemoteDetail>(
      remoteRoutes.remote(name),
      { method: 'PUT', body: JSON.stringify(input) }
    );
    await this.refresh();
    return detail;
  }

  async remove(name: string): Promise<void> {
    await this._request<void>(remoteRoutes.remote(name), {
      method: 'DELETE'
    });
    await this.refresh();
  }

  /** Make the other side (AWS or rclone) a copy of `from`. */
  async sync(
    name: string,
    from: IRemoteSyncRequest['from']
  ): Promise<IRemoteDetail> {
    const body: IRemoteSyncRequest = { from };
    const detail = await this._request<IRemoteDetail>(remoteRoutes.sync(name), {
      method: 'POST',
      body: JSON.stringify(body)
    });
    await this.refresh();
    return detail;
  }

  test(request: IConnectionTestRequest): Promise<IConnectionTestResult> {
    return this._request<IConnectionTestResult>(remoteRoutes.tests(), {
      method: 'POST',
      body: JSON.stringify(request)
    });
  }

  /** What to paste on the user's own computer; mints short-lived credentials. */
  takeHome(name: string, request: ITakeHomeRequest): Promise<ITakeHome> {
    return this._request<ITakeHome>(takeHomeRoutes.takeHome(name), {
      method: 'POST',
      body: JSON.stringify(request)
    });
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private _onBucketsChange(_: IBucketsModel, change: BucketsChange): void {
    if (change === 'remotes') {
      this._remotesChanged.emit();
    }
  }

  private readonly _buckets: IBucketsModel;
  private readonly _request: Request;
  private readonly _remotesChanged = new Signal<RemotesManager, void>(this);
}

export interface IRemotesManagerOptions {
  /** The Buckets panel's model: its remote list is shown and refreshed. */
  buckets: IBucketsModel;
  /** Replaces requestAPI (tests, another server connection). */
  request?: Request;
}
