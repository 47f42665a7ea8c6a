// ${VAR} and ${VAR:-default} in string values of a parsed YAML document. Substituting after parsing
// means a variable's value can never change the document's structure.
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g

export type Env = Record<string, string | undefined>

export function interpolate (value: unknown, env: Env, path: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_all, name: string, hasDefault: string | undefined, fallback: string | undefined) => {
      const found = env[name]
      if (found !== undefined && found !== '') return found
      if (hasDefault !== undefined) return fallback ?? ''
      problems.push(`${path}: environment variable ${name} is not set (write \${${name}:-} to allow it to be empty)`)
      return ''
    })
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, `${path}[${i}]`, problems))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) =>
      [key, interpolate(item, env, path === '' ? key : `${path}.${key}`, problems)]))
  }
  return value
}
