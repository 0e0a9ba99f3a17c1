import type { MethodState, NamedTensor } from '../method.js';

/** The tensors of a method state whose names start with `prefix`, with the prefix removed, in order. */
export function splitByPrefix(state: MethodState, prefix: string): NamedTensor[] {
  return state.tensors
    .filter((t) => t.name.startsWith(prefix))
    .map((t) => ({ name: t.name.slice(prefix.length), tensor: t.tensor }));
}
