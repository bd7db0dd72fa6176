// The connections both ticketing processes open: their own database (with its models) and NATS.
import { Bus, connectMongo, connectNats, ensureIndexes, pingMongo, type Logger } from '@easypass/kit'
import type { TicketingConfig } from './config'
import { defineModels } from './db'

export async function connectTicketing(config: TicketingConfig, processName: string, log: Logger) {
  const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_ticketing`, log)
  const models = defineModels(conn)
  await ensureIndexes(conn)
  // Not awaited: ticketing sells while NATS is away (live updates pause, facts wait in the outbox).
  const bus = new Bus({ nc: connectNats(config.NATS_URL, processName, log), prefix: config.BUS_PREFIX, log })
  return { conn, models, bus, checks: { mongo: () => pingMongo(conn), nats: () => bus.ping() } }
}
