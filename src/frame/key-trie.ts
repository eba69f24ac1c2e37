/**
 * The encoder's key shapes: a trie of key sequences, like V8's hidden-class transitions. Walking it
 * with a dict's keys costs one string comparison per key when the dict has a shape seen before (a
 * Map lookup only where shapes branch), and the node reached names the dict's shape: it remembers
 * where that shape's keys vector was written in the current frame, so repeated dicts (a list of
 * records) share one keys vector and their key strings are written once per frame.
 *
 * @example
 *   let node = trie.root;
 *   for (const key in obj) node = trie.step(node, key);
 *   if (node.frame === frame) reuse(node.keysVector);
 */

/** One key sequence: the path from the root to this node. */
export class KeyNode {
  /** The last key of the sequence ("" at the root). */
  readonly key: string;
  readonly parent: KeyNode | null;
  /** Number of keys in the sequence. */
  readonly length: number;
  /** The first child, checked before `more` (most shapes never branch). */
  nextKey: string | undefined = undefined;
  next: KeyNode | undefined = undefined;
  more: Map<string, KeyNode> | undefined = undefined;
  /** The frame in which `keysVector` was written (0: none). */
  frame = 0;
  /** Distance from the end of the frame to this shape's keys vector, valid in `frame`. */
  keysVector = 0;
  /** The keys block (key strings and keys vector, position-independent), once written. */
  block: Uint8Array | undefined = undefined;

  constructor(key: string, parent: KeyNode | null) {
    this.key = key;
    this.parent = parent;
    this.length = parent === null ? 0 : parent.length + 1;
  }

  /** The keys of the sequence, in order. */
  keys(): string[] {
    const out = new Array<string>(this.length);
    for (let node: KeyNode = this; node.parent !== null; node = node.parent) out[node.length - 1] = node.key;
    return out;
  }
}

/** Nodes kept before the trie starts over (a stream of ever-new keys must not grow it forever). */
const MAX_NODES = 16384;

/** The trie; `root` is the empty sequence. */
export class KeyTrie {
  root = new KeyNode("", null);
  private nodes = 0;

  /** The node for `node`'s sequence followed by `key`, created on first use. */
  step(node: KeyNode, key: string): KeyNode {
    if (node.nextKey === key) return node.next!;
    const found = node.more?.get(key);
    if (found !== undefined) return found;
    return this.add(node, key);
  }

  /** Forgets every shape. Nodes already handed out keep working for the frame being written. */
  clear(): void {
    this.nodes = 0;
    this.root = new KeyNode("", null);
  }

  private add(node: KeyNode, key: string): KeyNode {
    if (++this.nodes > MAX_NODES) this.clear();
    const child = new KeyNode(key, node);
    if (node.next === undefined) {
      node.nextKey = key;
      node.next = child;
    } else {
      (node.more ??= new Map()).set(key, child);
    }
    return child;
  }
}
