// Shared setup of the team tests: the admin API with PATCH, on top of the key tests' gateway.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { MASTER, bearer } from '../auth/setup.js'

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

export async function call (app: FastifyInstance, method: Method, url: string, payload?: Record<string, unknown>, key = MASTER): Promise<LightMyRequestResponse> {
  return await app.inject({ method, url, headers: bearer(key), ...(payload !== undefined ? { payload } : {}) })
}

export async function createTeam (app: FastifyInstance, team: Record<string, unknown> & { id: string }): Promise<void> {
  const res = await call(app, 'POST', '/admin/teams', team)
  if (res.statusCode !== 201) throw new Error(`POST /admin/teams answered ${res.statusCode}: ${res.body}`)
}

/** The error body's code and param: what a client branches on. */
export function failure (res: LightMyRequestResponse): { status: number, code: string | null, param: string | null } {
  const { error } = res.json() as { error: { code: string | null, param: string | null } }
  return { status: res.statusCode, code: error.code, param: error.param }
}
