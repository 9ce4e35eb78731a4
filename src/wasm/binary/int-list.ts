/**
 * A growable list of 32-bit integers in one typed array: no object per item
 * and doubling growth, so a list of n items costs at most 8n bytes however it
 * was filled. The rewriter keeps its per-module and per-body tables in these,
 * which is what bounds its memory by the module's size.
 */
export class IntList {
  data: Int32Array
  length = 0

  constructor (capacity = 64) {
    this.data = new Int32Array(Math.max(1, capacity))
  }

  push (x: number): void {
    if (this.length === this.data.length) this.grow()
    this.data[this.length++] = x
  }

  private grow (): void {
    const next = new Int32Array(this.data.length * 2)
    next.set(this.data)
    this.data = next
  }

  /** The items, in an array of their own */
  toArray (): Int32Array {
    return this.data.slice(0, this.length)
  }
}
