export type CacheMode = 'default' | 'no-cache' | 'no-store' | 'only-if-cached'

/** A request's Cache-Control, as far as the embedding cache honours it. */
export function cacheModeOf (header: string | string[] | undefined): CacheMode {
  const directives = new Set(String(header ?? '').toLowerCase().split(',').map((d) => d.trim()))
  if (directives.has('only-if-cached')) return 'only-if-cached'
  if (directives.has('no-store')) return 'no-store'
  if (directives.has('no-cache')) return 'no-cache'
  return 'default'
}
