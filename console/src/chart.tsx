// A time-series chart: uPlot (small, fast, made for time series), sized to its box and redrawn on resize.
import { useEffect, useRef } from 'preact/hooks'
import UPlot from 'uplot'

export interface Line { label: string, values: Array<number | null>, color: string }

export function TimeChart ({ title, x, lines, height = 180 }: { title: string, x: number[], lines: Line[], height?: number }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = box.current
    if (el === null) return
    const plot = new UPlot({
      width: Math.max(el.clientWidth, 200),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{ stroke: '#667085', grid: { stroke: '#eef0f3' } }, { stroke: '#667085', grid: { stroke: '#eef0f3' }, size: 60, values: (_u: unknown, ticks: number[]) => ticks.map(tick) }],
      series: [{}, ...lines.map((line) => ({ label: line.label, stroke: line.color, width: 2, fill: `${line.color}22`, points: { show: x.length < 3 } }))]
    }, [x, ...lines.map((line) => line.values)], el)
    const resize = new ResizeObserver(() => { plot.setSize({ width: Math.max(el.clientWidth, 200), height }) })
    resize.observe(el)
    return () => { resize.disconnect(); plot.destroy() }
  }, [x, lines, height])
  return <div class='chart'><h3>{title}</h3><div ref={box} /></div>
}

/** Axis labels: small values (costs of cheap models) keep 2 significant digits instead of rounding to 0. */
function tick (value: number): string {
  return value !== 0 && Math.abs(value) < 0.01 ? value.toExponential(1) : String(Number(value.toFixed(4)))
}
