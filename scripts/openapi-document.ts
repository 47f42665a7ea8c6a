// The OpenAPI document as YAML, built from the route schemas of an app with no providers. Shared by
// scripts/write-openapi.ts (writes openapi/openapi.yaml) and test/openapi.test.ts (checks it for drift).
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'
import { mergeWithDefaults, validateConfig } from '../src/config/load.js'

export const OPENAPI_FILE = fileURLToPath(new URL('../openapi/openapi.yaml', import.meta.url))

export async function openapiYaml (): Promise<string> {
  const app = await buildApp(validateConfig(mergeWithDefaults({ providers: [] }), 'openapi document'))
  try {
    await app.ready()
    return await app.openapi({ yaml: true })
  } finally {
    await app.close()
  }
}
