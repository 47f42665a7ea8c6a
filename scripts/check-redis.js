// Runs before `npm test` (the `pretest` script): every Redis test file starts its own redis-server, so
// without the binary the suite would end in a wall of failures. Stop at once with one line instead.
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

const names = process.platform === 'win32' ? ['redis-server.exe'] : ['redis-server']

const found = (process.env.PATH ?? '').split(delimiter).filter(Boolean).some((dir) => names.some((name) => {
  try {
    accessSync(join(dir, name), constants.X_OK)
    return true
  } catch {
    return false
  }
}))

if (!found) {
  process.stderr.write('npm test needs redis-server on the PATH (the tests start their own): ' +
    'install it with `sudo apt-get install redis-server` (Debian, Ubuntu) or `brew install redis` (macOS)\n')
  process.exit(1)
}
