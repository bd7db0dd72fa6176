// Hold reminders in the real Redis of the test run: each due reminder is taken by one process, and one
// whose process died before recording it comes due again.
import { afterAll, expect, test } from 'bun:test'
import { Redis } from 'ioredis'
import { holdReminders, REMINDER_LEASE_MS } from '../src/modules/reminders/service'
import { system } from '../../../tests/support/system'

const redis = new Redis(system().infra.redisUrl)
afterAll(() => redis.quit())

test('a reminder taken and not done (its process died) is due again after its lease; done, it is gone; scheduled again meanwhile, it stays', async () => {
  const reminders = holdReminders(redis, `${system().env.REDIS_PREFIX}:reminders-test:${Date.now()}`)
  const now = Date.now()
  await reminders.schedule('order-1', now - 1)
  await reminders.schedule('order-2', now - 1)
  await reminders.schedule('later', now + 10 * REMINDER_LEASE_MS)
  const first = await reminders.takeDue(10, now)
  expect(first.map((t) => t.orderId).sort()).toEqual(['order-1', 'order-2'])
  // Taken: nobody else gets them while the lease runs.
  expect(await reminders.takeDue(10, now + 1)).toEqual([])
  // order-1 is recorded and done; order-2's process dies.
  await reminders.done(first.find((t) => t.orderId === 'order-1')!)
  const again = await reminders.takeDue(10, now + REMINDER_LEASE_MS + 1)
  expect(again.map((t) => t.orderId)).toEqual(['order-2'])
  // Scheduled again while taken (the database did not answer): done does not remove the new time.
  await reminders.schedule('order-2', now + REMINDER_LEASE_MS + 5_000)
  await reminders.done(again[0]!)
  expect((await reminders.takeDue(10, now + REMINDER_LEASE_MS + 5_001)).map((t) => t.orderId)).toEqual(['order-2'])
})
