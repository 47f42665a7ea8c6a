// Which of a Redis Cluster's 16384 slots a key lives in: CRC16 (XMODEM) of the key, or of its hash tag (the
// text between the first `{` and the next `}`, when not empty). Keys of one Lua script or MGET must share a slot.
const SLOTS = 16_384

const TABLE = (() => {
  const table = new Uint16Array(256)
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8
    for (let bit = 0; bit < 8; bit++) crc = (crc & 0x8000) !== 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
    table[byte] = crc
  }
  return table
})()

/** The part of the key that decides its slot. */
export function hashTag (key: string): string {
  const open = key.indexOf('{')
  if (open === -1) return key
  const close = key.indexOf('}', open + 1)
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close)
}

export function slotOf (key: string): number {
  let crc = 0
  for (const byte of Buffer.from(hashTag(key))) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] as number)
  return crc % SLOTS
}

/** `items` grouped by the slot of `keyOf(item)`, in first-seen order. */
export function groupBySlot<T> (items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<number, T[]>()
  for (const item of items) {
    const slot = slotOf(keyOf(item))
    const group = groups.get(slot)
    if (group === undefined) groups.set(slot, [item])
    else group.push(item)
  }
  return [...groups.values()]
}
