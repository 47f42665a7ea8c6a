// Counters and histograms counted as plain numbers, one series per label combination. prom-client hashes
// and validates the labels on every update (~2 % of a chat request's CPU) and costs ~1.5 MB resident to load;
// these are a Map lookup and an addition, and prom-client is loaded only when /metrics is first scraped
// (prom-registry.ts hands the series over then, in the order they were first seen, as prom-client would list them).

export type LabelValue = string | number

/** One key per label combination, in the order of the label names. */
function keyOf<L extends string> (names: readonly L[], labels: Readonly<Record<L, LabelValue>>): string {
  let key = ''
  for (const name of names) key += `${labels[name]}\u0000`
  return key
}

export interface CounterSeries<L extends string> { readonly labels: Readonly<Record<L, LabelValue>>, value: number }

export class LabelledCounter<L extends string> {
  readonly series = new Map<string, CounterSeries<L>>()

  constructor (readonly name: string, readonly help: string, readonly labelNames: readonly L[]) {}

  inc (labels: Readonly<Record<L, LabelValue>>, value = 1): void {
    const key = keyOf(this.labelNames, labels)
    const series = this.series.get(key)
    if (series === undefined) this.series.set(key, { labels, value })
    else series.value += value
  }
}

export interface HistogramSeries<L extends string> {
  readonly labels: Readonly<Record<L, LabelValue>>
  /** Observations per upper bound (not cumulative); one above the largest bound counts in `count` only. */
  readonly buckets: number[]
  sum: number
  count: number
}

export class LabelledHistogram<L extends string> {
  readonly series = new Map<string, HistogramSeries<L>>()

  constructor (readonly name: string, readonly help: string, readonly labelNames: readonly L[], readonly upperBounds: readonly number[]) {}

  observe (labels: Readonly<Record<L, LabelValue>>, value: number): void {
    if (!Number.isFinite(value)) return
    const key = keyOf(this.labelNames, labels)
    let series = this.series.get(key)
    if (series === undefined) {
      series = { labels, buckets: this.upperBounds.map(() => 0), sum: 0, count: 0 }
      this.series.set(key, series)
    }
    for (let i = 0; i < this.upperBounds.length; i++) {
      if (value <= (this.upperBounds[i] as number)) {
        series.buckets[i] = (series.buckets[i] as number) + 1
        break
      }
    }
    series.sum += value
    series.count += 1
  }
}
