// Fastify compiles every route's validation schemas with Ajv while the app starts: 18 compilations here
// (the request schemas, the admin API's, and Ajv's own meta-schema), ~75 ms and ~20 MB of short-lived
// allocations (Ajv's code generation), a quarter of everything start-up allocates. While the young
// generation is held small (young-generation.ts) that garbage is promoted and stays as free space in the
// old generation: 4–6 MB of an idle instance's RSS. Here each route's validator is compiled the first time
// a request needs it, with Fastify's own compiler (@fastify/ajv-compiler, same options, same shared schemas,
// so the same validation and the same errors); a route never called never compiles. The first request of
// each route pays its compilation once (the chat schema ~9 ms, plus ~17 ms for Ajv's meta-schema on the
// very first); a schema Ajv rejects fails that route's requests with a 500 instead of failing the start
// (test/lazy-validation.test.ts compiles every route's schemas).
//
// Fastify treats a compiler from `compilersFactory` as custom, which only changes one thing: header schemas
// are no longer lower-cased for it. No route here validates headers; one that does must use lower-case names.
import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type ValidatorFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>
type Compiler = ReturnType<ValidatorFactory>
type Validator = ReturnType<Compiler>

/** The compiler Fastify uses when given none: @fastify/ajv-compiler, resolved from Fastify's own directory. */
function fastifysAjvCompiler (): ValidatorFactory {
  const fromHere = createRequire(import.meta.url)
  const fromFastify = createRequire(fromHere.resolve('fastify'))
  return (fromFastify('@fastify/ajv-compiler') as () => ValidatorFactory)()
}

/**
 * A validator that compiles on its first use. Fastify reads `schemaEnv` before each call (an Ajv validator is
 * then given the request as parent data) and `errors` after a failed one: both are the compiled validator's.
 */
function compiledOnFirstUse (compile: () => Validator): Validator {
  let validator: Validator | undefined
  const compiled = (): Validator => (validator ??= compile())
  const validate = ((...args: Parameters<Validator>) => compiled()(...args)) as Validator
  Object.defineProperty(validate, 'errors', { get: () => validator?.errors })
  Object.defineProperty(validate, 'schemaEnv', { get: () => Reflect.get(compiled(), 'schemaEnv') })
  return validate
}

/** `schemaController.compilersFactory.buildValidator` for Fastify: its own Ajv compiler, built and used lazily. */
export function lazyValidatorFactory (): ValidatorFactory {
  const build = fastifysAjvCompiler()
  return (externalSchemas, ajvOptions) => {
    let compiler: Compiler | undefined
    return (route) => compiledOnFirstUse(() => (compiler ??= build(externalSchemas, ajvOptions))(route))
  }
}
