import { RANGES, type Range } from '../usage-data.js'

export function RangePicker ({ value, onChange }: { value: Range, onChange: (range: Range) => void }) {
  return (
    <div class='row' role='group'>
      {(Object.keys(RANGES) as Range[]).map((range) => (
        <button key={range} class={range === value ? '' : 'secondary'} onClick={() => { onChange(range) }}>{range}</button>
      ))}
    </div>
  )
}
