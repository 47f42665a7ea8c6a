// Whether the operator gave node a V8 flag (on the command line or in NODE_OPTIONS): a flag qiao would set
// at start for itself is then left as the operator chose it.

/** `pattern` is matched against each argument with `_` read as `-`, as V8 reads flag names. */
export function givenByOperator (pattern: RegExp): boolean {
  const given = [...process.execArgv, process.env['NODE_OPTIONS'] ?? '']
  return given.some((arg) => pattern.test(arg.replace(/_/g, '-')))
}
