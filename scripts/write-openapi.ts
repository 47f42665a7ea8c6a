// npm run openapi:write — regenerates the committed contract openapi/openapi.yaml from the route schemas.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, relative } from 'node:path'
import { OPENAPI_FILE, openapiYaml } from './openapi-document.js'

await mkdir(dirname(OPENAPI_FILE), { recursive: true })
await writeFile(OPENAPI_FILE, await openapiYaml())
process.stdout.write(`wrote ${relative(process.cwd(), OPENAPI_FILE)}\n`)
