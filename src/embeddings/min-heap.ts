// Smallest number first: a slab hands out its lowest free slot, so use drifts to its first chunks and the
// last one empties (see slot-slab.ts).

export function heapPush (heap: number[], value: number): void {
  let i = heap.length
  heap.push(value)
  while (i > 0) {
    const parent = (i - 1) >> 1
    const above = heap[parent] as number
    if (above <= value) break
    heap[i] = above
    i = parent
  }
  heap[i] = value
}

/** The smallest value; the heap must not be empty. */
export function heapPop (heap: number[]): number {
  const top = heap[0] as number
  const last = heap.pop() as number
  const n = heap.length
  if (n === 0) return top
  let i = 0
  for (;;) {
    let child = 2 * i + 1
    if (child >= n) break
    if (child + 1 < n && (heap[child + 1] as number) < (heap[child] as number)) child++
    const below = heap[child] as number
    if (below >= last) break
    heap[i] = below
    i = child
  }
  heap[i] = last
  return top
}
