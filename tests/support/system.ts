import { readFileSync } from 'node:fs'
import { afterAll, beforeAll } from 'bun:test'
import type { RunningSystem } from '../../stack/local/system'
import type { Infra } from '../../stack/local/infra'

export interface TestSystem extends RunningSystem {
  env: Record<string, string>
  admin: { email: string; password: string }
  namespace: string
  infra: Infra
  /** Each Redis user's URL (stack/redis/users.acl) for this run's prefix; empty on a Redis of someone else's. */
  redisUsers: Record<string, string>
}

/** A running process's environment (`/proc/<pid>/environ`), by variable; undefined when the process is not running. */
export function environmentOf(name: string): Record<string, string> | undefined {
  const pid = system().pid(name)
  if (!pid) return undefined
  const lines = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean)
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))
}

/** The system the preload started for this run. */
export function system(): TestSystem {
  const s = (globalThis as { __easypass?: TestSystem }).__easypass
  if (!s) throw new Error('tests/support/preload.ts did not run: start tests with `npm test` or `bun test` from the root')
  return s
}

/**
 * For the tests of a file (or of the `describe` it is called in): `services` restarted with `env`
 * before them, in order, and as they were after them.
 */
export function restartedWith(services: string[], env: Record<string, string>) {
  beforeAll(async () => {
    for (const name of services) {
      await system().stop(name)
      await system().start(name, env)
    }
  }, 60_000)
  afterAll(async () => {
    for (const name of services) {
      await system().stop(name)
      await system().start(name)
    }
  }, 60_000)
}

/** These processes stopped and started again, one after the other: with `env` of each (`envOf(name)`), or with the run's own settings. */
export async function restart(names: string[], envOf?: (name: string) => Record<string, string>) {
  for (const name of names) {
    await system().stop(name)
    await system().start(name, envOf?.(name))
  }
}
