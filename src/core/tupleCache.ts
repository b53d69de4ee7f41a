// A cache keyed by a tuple of values, as nested maps: looking a setup up costs
// one probe per argument and builds no string key. A node with one child (an
// option a sheet never varies, usually left out) answers by comparing that one
// key, without hashing; a Map is made only where a position takes a second value.

export interface TupleCache<V> {
  get(keys: readonly unknown[]): V | undefined;
  set(keys: readonly unknown[], value: V): void;
  clear(): void;
  size(): number;
}

interface Node<V> {
  /** The first child's key and node; `more` holds every child once there are two. */
  soleKey: unknown;
  sole: Node<V> | undefined;
  more: Map<unknown, Node<V>> | undefined;
  value: V | undefined;
  has: boolean;
}

const node = <V>(): Node<V> => ({ soleKey: undefined, sole: undefined, more: undefined, value: undefined, has: false });

/** The child of `n` at `k`, compared as Map keys compare (SameValueZero: NaN finds NaN, undefined and null differ). */
function child<V>(n: Node<V>, k: unknown): Node<V> | undefined {
  if (n.more) return n.more.get(k);
  return n.sole !== undefined && (n.soleKey === k || (n.soleKey !== n.soleKey && k !== k)) ? n.sole : undefined;
}

/** An empty cache; keys compare as Map keys do (SameValueZero), so undefined and null stay distinct. */
export function tupleCache<V>(): TupleCache<V> {
  let root = node<V>();
  let count = 0;
  return {
    get(keys) {
      let n: Node<V> | undefined = root;
      for (let i = 0; i < keys.length && n; i++) n = child(n, keys[i]);
      return n && n.has ? n.value : undefined;
    },
    set(keys, value) {
      let n = root;
      for (const k of keys) {
        let next = child(n, k);
        if (!next) {
          next = node<V>();
          if (n.sole === undefined) {
            n.soleKey = k;
            n.sole = next;
          } else {
            n.more ??= new Map([[n.soleKey, n.sole]]);
            n.more.set(k, next);
          }
        }
        n = next;
      }
      if (!n.has) count++;
      n.value = value;
      n.has = true;
    },
    clear() {
      root = node<V>();
      count = 0;
    },
    size: () => count,
  };
}
