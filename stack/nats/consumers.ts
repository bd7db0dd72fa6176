// The JetStream consumers each NATS user may make, read from and acknowledge: the ones its code makes,
// by name, and no other. A subject's wildcards match whole tokens only and a consumer's name is one
// token, so NATS cannot allow "orders-*": users.conf names every consumer. Its lists between the
// `consumers of <user>` lines are written from the services' own lists by
//   bun stack/nats/consumers.ts
// and tests/system/bus-permissions.test.ts fails while the file differs from what this would write.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { consumerNames } from '@easypass/kit'
import { CONSUMED as ORDERS_CONSUMED, ORDERS_CONSUMER } from '../../services/orders/src/modules/facts/index'
import { CONSUMED, EMAILED, EMAIL_CONSUMER, NOTIFICATIONS_CONSUMER } from '../../services/notifications/src/modules/facts/consumer'
import { WEBHOOK_CONSUMER, WEBHOOK_SUBJECTS } from '../../services/notifications/src/modules/webhooks/service'

export const USERS_FILE = join(import.meta.dir, 'users.conf')

/** Each NATS user that consumes facts, with the names of its durable consumers (API and worker alike). */
export function natsConsumers(): Record<string, string[]> {
  return {
    orders: consumerNames(ORDERS_CONSUMER, ORDERS_CONSUMED),
    notifications: [
      ...consumerNames(NOTIFICATIONS_CONSUMER, CONSUMED),
      ...consumerNames(EMAIL_CONSUMER, EMAILED),
      ...consumerNames(WEBHOOK_CONSUMER, WEBHOOK_SUBJECTS),
    ],
  }
}

/**
 * What a consumer's owner publishes to use it (the stream's name, one per bus prefix, is `*`): look it
 * up; make it or bring it up to date (the 2.10 API names the consumer, with or without its filter, the
 * 2.9 one names a durable); pull from it; acknowledge (or nak) its messages on their reply subjects.
 */
const grants = (name: string) => [
  `$JS.API.CONSUMER.INFO.*.${name}`,
  `$JS.API.CONSUMER.CREATE.*.${name}`,
  `$JS.API.CONSUMER.CREATE.*.${name}.>`,
  `$JS.API.CONSUMER.DURABLE.CREATE.*.${name}`,
  `$JS.API.CONSUMER.MSG.NEXT.*.${name}`,
  `$JS.ACK.*.${name}.>`,
]

const begin = (user: string) => `# consumers of ${user} (written by \`bun stack/nats/consumers.ts\`):`
const end = (user: string) => `# end of the consumers of ${user}`

/** users.conf as it should be: every consumer user's list between its two lines written anew. */
export function withConsumers(conf: string): string {
  let out = conf
  for (const [user, names] of Object.entries(natsConsumers())) {
    const start = out.indexOf(begin(user))
    const stop = out.indexOf(end(user))
    if (start < 0 || stop < start) throw new Error(`users.conf: no "${begin(user)}" … "${end(user)}" lines in ${user}'s publish list`)
    const indent = out.slice(out.lastIndexOf('\n', start) + 1, start)
    const lines = names.map((name, i) => `${indent}${grants(name).map((s) => JSON.stringify(s)).join(', ')}${i < names.length - 1 ? ',' : ''}`)
    out = `${out.slice(0, start)}${begin(user)}\n${lines.join('\n')}\n${indent}${out.slice(stop)}`
  }
  return out
}

if (import.meta.main) {
  const before = readFileSync(USERS_FILE, 'utf8')
  const after = withConsumers(before)
  if (after === before) console.log('stack/nats/users.conf already lists every consumer')
  else {
    writeFileSync(USERS_FILE, after)
    console.log('stack/nats/users.conf: consumer lists written')
  }
}
