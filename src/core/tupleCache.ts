// A cache keyed by a tuple of values, as nested maps: looking a setup up costs
// one map probe per argument and builds no string key.

export interface TupleCache<V> {
  get(keys: readonly unknown[]): V | undefined;
  set(keys: readonly unknown[], value: V): void;
  clear(): void;
  size(): number;
}

type Node<V> = { children: Map<unknown, Node<V>>; value?: V; has: boolean };

/** An empty cache; keys compare as Map keys do (SameValueZero), so undefined and null stay distinct. */
export function tupleCache<V>(): TupleCache<V> {
  let root: Node<V> = { children: new Map(), has: false };
  let count = 0;
  return {
    get(keys) {
      let node: Node<V> | undefined = root;
      for (const k of keys) {
        node = node.children.get(k);
        if (!node) return undefined;
      }
      return node.has ? node.value : undefined;
    },
    set(keys, value) {
      let node = root;
      for (const k of keys) {
        let next = node.children.get(k);
        if (!next) {
          next = { children: new Map(), has: false };
          node.children.set(k, next);
        }
        node = next;
      }
      if (!node.has) count++;
      node.value = value;
      node.has = true;
    },
    clear() {
      root = { children: new Map(), has: false };
      count = 0;
    },
    size: () => count,
  };
}
