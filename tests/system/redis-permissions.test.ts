// Each service that uses Redis reaches it as its own user (stack/redis/users.acl, the rules the Swarm
// stack deploys): it reads and writes its own keys only, the gateway reads auth's role withdrawals and
// closed accounts without writing them, and no user may list, flush or reconfigure anything.
import { afterAll, describe, expect, test } from 'bun:test'
import { RedisClient } from 'bun'
import { environmentOf, system } from '../support/system'
import { redisUserNames, redisUserOf } from '../../stack/local/redis-users'
import { api, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD } from '../support/api'

const clients: RedisClient[] = []
afterAll(() => {
  for (const c of clients) c.close()
})
function as(user: string) {
  const url = system().redisUsers[user]
  if (!url) throw new Error(`no Redis user ${user}: the test system's Redis was not started by the launcher`)
  const client = new RedisClient(url)
  clients.push(client)
  return client
}
const operator = () => {
  const client = new RedisClient(system().infra.redisUrl)
  clients.push(client)
  return client
}
/** How a command ends: `null` when Redis ran it, the error's text when it refused. */
const outcome = (work: Promise<unknown>) => work.then(() => null, (error: unknown) => String(error))
const refused = async (what: string, work: Promise<unknown>) => expect({ what, error: (await outcome(work))?.includes('NOPERM') ?? false }).toEqual({ what, error: true })
const allowed = async (what: string, work: Promise<unknown>) => expect({ what, error: await outcome(work) }).toEqual({ what, error: null })

/** A key of each user's own, under this run's prefix (what its code writes). */
const OWN: Record<string, string> = {
  gateway: 'gateway:ratelimit:ip:perm-test',
  auth: 'auth:passkey-sign-in:perm-test',
  ticketing: 'inventory-0:perm-test',
  orders: 'idem:perm-test',
  notifications: 'webhook-deliveries:perm-test',
}

describe('Redis users', () => {
  test('users.acl defines the users whose keys are tested here, and catalog and payments have none', () => {
    expect(redisUserNames().sort()).toEqual(Object.keys(OWN).sort())
    expect(['catalog', 'payments', 'web'].map(redisUserOf)).toEqual([undefined, undefined, undefined])
    expect(['ticketing-worker', 'orders-worker', 'notifications-worker', 'gateway'].map(redisUserOf)).toEqual(['ticketing', 'orders', 'notifications', 'gateway'])
  })

  test('each user writes and reads its own keys and is refused every other user’s', async () => {
    const p = system().env.REDIS_PREFIX
    for (const user of redisUserNames()) {
      const redis = as(user)
      await allowed(`${user} own`, redis.send('SET', [`${p}:${OWN[user]}`, '1', 'EX', '60']))
      await allowed(`${user} own read`, redis.send('GET', [`${p}:${OWN[user]}`]))
      for (const other of redisUserNames().filter((u) => u !== user)) {
        await refused(`${user} reads ${other}'s`, redis.send('GET', [`${p}:${OWN[other]}`]))
        await refused(`${user} writes ${other}'s`, redis.send('SET', [`${p}:${OWN[other]}`, 'taken', 'EX', '60']))
        // Nor from inside a script: Redis checks what a script runs against the same rules.
        await refused(`${user} scripts ${other}'s`, redis.send('EVAL', ["return redis.call('DEL', KEYS[1])", '1', `${p}:${OWN[other]}`]))
      }
      // Another run's prefix is another system's: not this user's either.
      await refused(`${user} under another prefix`, redis.send('SET', [`${p}x:${OWN[user]}`, '1']))
    }
    // What each wrote is still there, untouched by the others.
    const admin = operator()
    for (const user of redisUserNames()) expect(await admin.send('GET', [`${p}:${OWN[user]}`])).toBe('1')
  })

  test('the gateway reads the role withdrawals and closed accounts auth writes, and may not write them', async () => {
    const p = system().env.REDIS_PREFIX
    const auth = as('auth')
    const gateway = as('gateway')
    await allowed('auth withdraws', auth.send('HSET', [`${p}:role-withdrawn:perm-user`, 'admin', '1']))
    await allowed('auth closes', auth.send('ZADD', [`${p}:closed-accounts`, '1', 'perm-user']))
    expect(await gateway.send('HMGET', [`${p}:role-withdrawn:perm-user`, 'admin'])).toEqual(['1'])
    await allowed('gateway reads closed accounts', gateway.send('ZRANGEBYSCORE', [`${p}:closed-accounts`, '0', '+inf']))
    // A gateway taken over cannot give a demoted admin their role back, nor reopen an account.
    await refused('gateway deletes a withdrawal', gateway.send('DEL', [`${p}:role-withdrawn:perm-user`]))
    await refused('gateway writes a withdrawal', gateway.send('HSET', [`${p}:role-withdrawn:perm-user`, 'admin', '0']))
    await refused('gateway removes a closed account', gateway.send('ZREM', [`${p}:closed-accounts`, 'perm-user']))
    // Nobody else reads them.
    for (const user of ['ticketing', 'orders', 'notifications']) await refused(`${user} reads withdrawals`, as(user).send('HGET', [`${p}:role-withdrawn:perm-user`, 'admin']))
    await auth.send('ZREM', [`${p}:closed-accounts`, 'perm-user'])
  })

  test('no user may list keys, flush, reconfigure, watch the server, manage users or publish', async () => {
    for (const user of redisUserNames()) {
      const redis = as(user)
      for (const [command, args] of [
        ['KEYS', ['*']],
        ['SCAN', ['0']],
        ['RANDOMKEY', []],
        ['FLUSHALL', []],
        ['FLUSHDB', []],
        ['CONFIG', ['GET', 'requirepass']],
        ['ACL', ['LIST']],
        ['CLIENT', ['LIST']],
        ['CLIENT', ['KILL', 'TYPE', 'normal']],
        ['SHUTDOWN', []],
        ['PUBLISH', ['anything', 'x']],
      ] as const) await refused(`${user} ${command} ${args[0] ?? ''}`, redis.send(command, [...args]))
      // What its libraries need at every connection.
      await allowed(`${user} INFO`, redis.send('INFO', ['server']))
      await allowed(`${user} CLIENT SETNAME`, redis.send('CLIENT', ['SETNAME', `perm-${user}`]))
      await allowed(`${user} PING`, redis.send('PING', []))
    }
  })

  test('every process connects as its service’s user; catalog, payments and web get no Redis address', () => {
    const sys = system()
    const users = sys.redisUsers
    for (const spec of sys.specs) {
      const env = environmentOf(spec.name)
      if (!env) continue
      const user = redisUserOf(spec.name)
      expect({ process: spec.name, redisUrl: env.REDIS_URL }).toEqual({ process: spec.name, redisUrl: user ? users[user] : undefined })
    }
  })

  test('a sale with a webhook, a refund and a closed account go through, and Redis refuses the system’s processes nothing', async () => {
    const admin = operator()
    await admin.send('ACL', ['LOG', 'RESET'])
    const organiser = await loginAdmin()
    const buyer = await registerUser('redis-permissions')
    const event = await api('/events', { token: organiser.token, body: futureEvent() })
    const type = await api(`/events/${event.body.id}/ticket-types`, { token: organiser.token, body: { name: 'Standing', priceCents: 2500, currency: 'EUR', capacity: 10 } })
    const hook = await api('/webhooks', { token: organiser.token, body: { url: 'http://127.0.0.1:9/hook', events: ['order.paid'] } })
    expect(hook.status).toBe(201)
    const order = await api('/orders', { token: buyer.token, body: { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity: 2 }], payment: { card: TEST_CARD } }, headers: { 'Idempotency-Key': `redis-perm-${Date.now()}` } })
    expect(order.status).toBe(201)
    await eventually('the webhook delivery tried', async () => ((await api(`/webhooks/${hook.body.id}/deliveries`, { token: organiser.token })).body.items ?? []).length > 0)
    const refund = await api(`/orders/${order.body.id}/refund`, { token: buyer.token, body: {}, headers: { 'Idempotency-Key': `redis-perm-refund-${Date.now()}` } })
    expect(refund.status).toBe(200)
    expect((await api('/auth/me/close', { token: buyer.token, body: { password: 'correct horse 1' } })).status).toBe(200)
    // The gateway reads auth's closed accounts: the closed account's token is refused there.
    await eventually('the closed account refused at the gateway', async () => (await api('/orders', { token: buyer.token })).status === 401)
    await api(`/webhooks/${hook.body.id}`, { method: 'DELETE', token: organiser.token })
    // Whatever Redis refused a user since the reset (the tests above ran before it).
    const log = (await admin.send('ACL', ['LOG', '50'])) as unknown[]
    expect(log.map((entry) => JSON.stringify(entry))).toEqual([])
  }, 60_000)
})
