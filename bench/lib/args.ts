// Command-line options of the bench scripts: `--name value` or `--name=value`, and bare flags.
export function option (name: string): string | undefined {
  const argv = process.argv.slice(2)
  const at = argv.findIndex((a) => a === name || a.startsWith(`${name}=`))
  if (at < 0) return undefined
  const arg = argv[at] as string
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1]
}

export const flag = (name: string): boolean => process.argv.slice(2).includes(name)
