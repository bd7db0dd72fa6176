// The event catalog: what is on, where and when. Owns the events; asks ticketing for prices and
// availability; tells the others through facts when an event is cancelled or deleted.
import { Type as T } from '@sinclair/typebox'
import {
  Bus, connectMongo, connectNats, createLogger, createService, ensureIndexes, loadConfig, Outbox, pingMongo,
  requiredInProduction, serve, serviceTokens, authPlugin, ServiceKeyEnv,
} from '@easypass/kit'
import { defineModels } from './db'
import { eventsModule } from './modules/events'
import { eventDates } from './modules/events/dates'
import { eventsService } from './modules/events/service'
import { ticketingClient } from './modules/events/ticketing'
import { internalModule } from './modules/internal'

const config = loadConfig({
  ...ServiceKeyEnv,
  PORT: T.Number({ default: 4102 }),
  /** Unset: no ticketing in this deployment (event pages say availability is unavailable). Required in production. */
  TICKETING_URL: T.Optional(T.String({ pattern: '^https?://' })),
  /** Budget of the availability call behind GET /api/events/:id. */
  TICKETING_TIMEOUT_MS: T.Number({ default: 1_500, minimum: 50 }),
  /** Budget of the best-effort price summary behind the list. */
  TICKETING_SUMMARY_TIMEOUT_MS: T.Number({ default: 500, minimum: 50 }),
  /** Budget of the "was anything sold?" check before a delete. */
  TICKETING_DELETE_CHECK_TIMEOUT_MS: T.Number({ default: 5_000, minimum: 50 }),
  /** How often facts lost between a state change and its outbox record are looked for (also at start). */
  FACT_RECOVERY_INTERVAL_MS: T.Number({ default: 60_000, minimum: 100 }),
  /** Public listings are shared this long (0 turns it off); writes through this replica clear them. */
  CATALOG_LIST_CACHE_MS: T.Integer({ default: 1_000, minimum: 0, maximum: 60_000 }),
})
requiredInProduction(config, 'TICKETING_URL', config.TICKETING_URL)
const log = createLogger('catalog', config.LOG_LEVEL)

const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_catalog`, log)
const models = defineModels(conn)
await ensureIndexes(conn)
// Not awaited: the service starts and serves while NATS is away (facts wait in the outbox).
const bus = new Bus({ nc: connectNats(config.NATS_URL, 'catalog', log), prefix: config.BUS_PREFIX, log })
const outbox = new Outbox(conn, bus, log)

const ticketing = ticketingClient({
  url: config.TICKETING_URL?.replace(/\/+$/, ''),
  serviceToken: serviceTokens(config, 'catalog'),
  log,
  availabilityTimeoutMs: config.TICKETING_TIMEOUT_MS,
  summaryTimeoutMs: config.TICKETING_SUMMARY_TIMEOUT_MS,
  deleteCheckTimeoutMs: config.TICKETING_DELETE_CHECK_TIMEOUT_MS,
})
const events = eventsService({ models, outbox, ticketing, log, listCacheMs: config.CATALOG_LIST_CACHE_MS })
outbox.start()
const stopRecovery = events.startRecovery(config.FACT_RECOVERY_INTERVAL_MS)

const app = createService({
  name: 'catalog',
  description: 'Events: what is on, where and when.',
  log,
  checks: { mongo: () => pingMongo(conn), nats: () => bus.ping() },
})
  .use(authPlugin(config))
  .use(eventsModule(config, events, eventDates({ models, events, ticketing, log })))
  .use(internalModule(config, events))

serve(app, {
  port: config.PORT,
  hostname: config.HOST,
  log,
  closers: [stopRecovery, () => outbox.stop(), () => bus.close(), () => conn.close()],
})
