// undici's dispatcher and request API, without its index. The index also
// loads fetch, WebSocket, EventSource, cookies and mocks, and through them
// Node's own copy of undici: about 45 ms at every start of a command that
// speaks to a store (profiled on `ls` of an S3 folder, whose whole start is
// ~150 ms). The one thing the index does that we need, the request API on
// every dispatcher, is done here. Import undici's values from here only.
import type * as Undici from 'undici';
import AgentImpl from 'undici/lib/dispatcher/agent.js';
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';

if (!('request' in DispatcherImpl.prototype)) {
  Object.assign(DispatcherImpl.prototype, api);
}

export const Agent: typeof Undici.Agent = AgentImpl;
export type { Dispatcher } from 'undici';

type RequestOptions = Omit<
  Undici.Dispatcher.RequestOptions,
  'origin' | 'path' | 'method'
> & {
  method?: Undici.Dispatcher.HttpMethod;
  dispatcher: Undici.Dispatcher;
};

/** undici's request(url, options), always on the dispatcher given. */
export function request(
  url: string | URL,
  options: RequestOptions
): Promise<Undici.Dispatcher.ResponseData> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const { dispatcher, ...rest } = options;
  return dispatcher.request({
    ...rest,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: options.method ?? (options.body ? 'PUT' : 'GET')
  });
}
