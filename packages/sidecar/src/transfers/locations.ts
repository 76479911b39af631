// The engine's view of a place in a store; locations/resolver.ts makes them.
export type { IEndpoint } from '../locations/resolver.js';
