// The Idempotency-Key records on the real Redis of the test run: what a request under a key runs, and
// for which order, after the first run under it failed.
import { afterAll, describe, expect, test } from 'bun:test'
import { Redis } from 'ioredis'
import { createLogger, fail } from '@easypass/kit'
import { idempotency, type Answer, type IdemHandlers, type IdemSpec } from '../src/modules/idempotency/service'
import { answerOfFailure } from '../src/modules/purchase/service'
import { system } from '../../../tests/support/system'

const redis = new Redis(system().infra.redisUrl, { lazyConnect: false })
afterAll(() => redis.quit())
const idem = idempotency(redis, `${system().env.REDIS_PREFIX}:idem-test`, createLogger('idempotency-test', 'warn'))

let keys = 0
const spec = (orderId: string, key: string, bodyHash = 'body'): IdemSpec => ({ userId: 'u1', route: 'orders', key, bodyHash, orderId, deadline: Date.now() + 2_000 })

/** Handlers that record which order each run was for, and answer what `decide` says. */
function runs(decide: (orderId: string) => { now: Answer; final: Promise<Answer | undefined> }) {
  const seen: Array<{ orderId: string | undefined; fresh: boolean }> = []
  const handlers: IdemHandlers = {
    async execute(orderId, fresh) {
      seen.push({ orderId, fresh })
      return decide(orderId!)
    },
    async whileRunning() {
      return { status: 202, body: { status: 'pending' } }
    },
  }
  return { seen, handlers }
}

const paid = (orderId: string): Answer => ({ status: 201, body: { id: orderId, status: 'paid' } })

describe('a run that failed under a key', () => {
  test('a failure after the 202 (the card may be charged): the retry runs again for the same order, never a new one', async () => {
    const key = `k${++keys}`
    const first = runs(() => ({ now: { status: 202, body: { status: 'pending' } }, final: Promise.reject(new Error('the database went away')) }))
    expect(await idem.run(spec('order-a', key), first.handlers)).toEqual({ status: 202, body: { status: 'pending' } })
    await Bun.sleep(20)

    const retry = runs((orderId) => ({ now: paid(orderId), final: Promise.resolve(paid(orderId)) }))
    expect(await idem.run(spec('order-b', key), retry.handlers)).toEqual(paid('order-a'))
    expect(retry.seen).toEqual([{ orderId: 'order-a', fresh: false }])

    // Decided now: kept, and answered again without running.
    const again = runs(() => {
      throw new Error('must not run')
    })
    expect(await idem.run(spec('order-c', key), again.handlers)).toEqual(paid('order-a'))
    expect(again.seen).toEqual([])
  })

  test('an answer that says try again (5xx) after the work began: the same order again; another body under the key is still 409', async () => {
    const key = `k${++keys}`
    const busy = runs(() => ({ now: { status: 503, body: {} }, final: Promise.resolve({ status: 503, body: {} }) }))
    expect((await idem.run(spec('order-e', key), busy.handlers)).status).toBe(503)
    await Bun.sleep(20)
    await expect(idem.run(spec('order-x', key, 'another body'), runs(() => ({ now: paid('x'), final: Promise.resolve(paid('x')) })).handlers)).rejects.toThrow('different request body')
    const retry = runs((id) => ({ now: paid(id), final: Promise.resolve(paid(id)) }))
    expect(await idem.run(spec('order-f', key), retry.handlers)).toEqual(paid('order-e'))
    expect(retry.seen).toEqual([{ orderId: 'order-e', fresh: false }])
  })

  test('an unexpected error after the work began (a write after the charge) is "try again" on the same order, never a freed key', async () => {
    expect(answerOfFailure(new Error('the database went away'))).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } })
    expect(answerOfFailure(fail('SOLD_OUT', 'gone'))).toMatchObject({ status: 409, body: { error: { code: 'SOLD_OUT' } } })
    const key = `k${++keys}`
    // The purchase's work: charged, then a write failed. What the request hears, and what it keeps under the key.
    const work = Promise.reject(new Error('tickets could not be written')).catch(answerOfFailure)
    const charged = runs(() => ({ now: { status: 503, body: {} }, final: work }))
    expect((await idem.run(spec('order-h', key), charged.handlers)).status).toBe(503)
    await Bun.sleep(20)
    const retry = runs((id) => ({ now: paid(id), final: Promise.resolve(paid(id)) }))
    expect(await idem.run(spec('order-i', key), retry.handlers)).toEqual(paid('order-h'))
    expect(retry.seen).toEqual([{ orderId: 'order-h', fresh: false }])
  })

  test('a request that failed before its work began (a check that could not be made) frees its key: the retry starts afresh', async () => {
    const key = `k${++keys}`
    const failing = runs(() => {
      throw new Error('catalog did not answer')
    })
    await expect(idem.run(spec('order-d', key), failing.handlers)).rejects.toThrow('catalog did not answer')
    const retry = runs((id) => ({ now: paid(id), final: Promise.resolve(paid(id)) }))
    expect(await idem.run(spec('order-g', key), retry.handlers)).toEqual(paid('order-g'))
    expect(retry.seen).toEqual([{ orderId: 'order-g', fresh: true }])
  })

  test('a takeover that throws (the database still away) keeps the key on its order: the next retry is never a new order', async () => {
    const key = `k${++keys}`
    const first = runs(() => ({ now: { status: 202, body: { status: 'pending' } }, final: Promise.reject(new Error('tickets could not be written')) }))
    await idem.run(spec('order-m', key), first.handlers)
    await Bun.sleep(20)
    const throwing = runs(() => {
      throw new Error('the order could not be read')
    })
    await expect(idem.run(spec('order-n', key), throwing.handlers)).rejects.toThrow('the order could not be read')
    expect(throwing.seen).toEqual([{ orderId: 'order-m', fresh: false }])
    const retry = runs((id) => ({ now: paid(id), final: Promise.resolve(paid(id)) }))
    expect(await idem.run(spec('order-o', key), retry.handlers)).toEqual(paid('order-m'))
    expect(retry.seen).toEqual([{ orderId: 'order-m', fresh: false }])
  })

  test('retries arriving together: one of them runs again, the others get its answer', async () => {
    const key = `k${++keys}`
    const first = runs(() => ({ now: { status: 202, body: { status: 'pending' } }, final: Promise.reject(new Error('the database went away')) }))
    await idem.run(spec('order-g', key), first.handlers)
    await Bun.sleep(20)
    const together = runs((orderId) => {
      const answer = paid(orderId)
      return { now: answer, final: Bun.sleep(50).then(() => answer) }
    })
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => idem.run(spec(`order-h${i}`, key), together.handlers)))
    expect(together.seen).toEqual([{ orderId: 'order-g', fresh: false }])
    for (const answer of answers) expect(answer).toEqual(paid('order-g'))
  })
})
