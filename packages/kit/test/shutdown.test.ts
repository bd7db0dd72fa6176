// Graceful shutdown shares one deadline: a slow worker close may use most of it, never the time of the closers after it.
import { expect, test } from 'bun:test'
import { closeInTime, createLogger } from '../src'

const log = createLogger('shutdown-test', 'silent')

test('a slow first closer may take longer than any fixed share, and the rest still run in order', async () => {
  const done: string[] = []
  await closeInTime(log, [
    async () => {
      await Bun.sleep(1_200)
      done.push('worker')
    },
    () => done.push('connections'),
  ], 3_000)
  expect(done).toEqual(['worker', 'connections'])
})

test('a closer that never ends is given up at the deadline, keeping time for the ones after it', async () => {
  const done: string[] = []
  const started = Date.now()
  await closeInTime(log, [
    () => new Promise(() => {}),
    async () => {
      await Bun.sleep(100)
      done.push('redis')
    },
    () => {
      throw new Error('already closed')
    },
    () => done.push('database'),
  ], 4_000)
  const took = Date.now() - started
  expect(done).toEqual(['redis', 'database'])
  // The stuck one gets the deadline less 1 s for each closer after it (4 − 3 × 1 = 1 s).
  expect(took).toBeGreaterThanOrEqual(1_000)
  expect(took).toBeLessThan(2_500)
})
