/** The event queue: a binary min-heap on (time, insertion order), so equal times run in the order scheduled. */
export interface Scheduled<E> {
  t: number;
  seq: number;
  ev: E;
}

export class EventQueue<E> {
  readonly #h: Array<Scheduled<E>> = [];
  #seq = 0;

  get size(): number {
    return this.#h.length;
  }

  push(t: number, ev: E): void {
    const h = this.#h;
    const item = { t, seq: this.#seq++, ev };
    let i = h.length;
    h.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(item, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = item;
  }

  pop(): Scheduled<E> | undefined {
    const h = this.#h;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && less(h[r]!, h[l]!) ? r : l;
      if (!less(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }

  peekTime(): number | undefined {
    return this.#h[0]?.t;
  }
}

const less = <E>(a: Scheduled<E>, b: Scheduled<E>) => a.t < b.t || (a.t === b.t && a.seq < b.seq);
