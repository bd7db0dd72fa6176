// Ticketing API: ticket types, vouchers, availability (and its live stream), and the internal op endpoint
// through which orders holds, confirms, releases and refunds. Decisions are the worker's (worker.ts).
import { authPlugin, connectRedis, guessLimit, createLogger, createService, pingRedis, requiredInProduction, serve, serviceTokens } from '@easypass/kit'
import { catalogClient } from './catalog'
import { loadTicketingConfig } from './config'
import { connectTicketing } from './connect'
import { InventoryClient } from './inventory/client'
import { availabilityModule } from './modules/availability'
import { AvailabilityHub } from './modules/availability/live'
import { availabilityService } from './modules/availability/service'
import { internalModule } from './modules/internal'
import { summaryService } from './modules/internal/service'
import { ticketTypesModule } from './modules/ticket-types'
import { ticketTypesService } from './modules/ticket-types/service'
import { vouchersModule } from './modules/vouchers'
import { vouchersService } from './modules/vouchers/service'
import { poolsModule } from './modules/pools'
import { poolsService } from './modules/pools/service'

const config = loadTicketingConfig(4103)
requiredInProduction(config, 'CATALOG_URL', config.CATALOG_URL)
const log = createLogger('ticketing', config.LOG_LEVEL)
const { conn, models, bus, checks } = await connectTicketing(config, 'ticketing', log)
const redis = connectRedis(config.REDIS_URL, { name: 'ticketing' })
const blocking: ReturnType<typeof connectRedis>[] = []

const inventory = new InventoryClient({
  redis,
  blockingConnection: (name) => {
    const connection = connectRedis(config.REDIS_URL, { worker: true, name })
    blocking.push(connection)
    return connection
  },
  prefix: config.REDIS_PREFIX,
  partitions: config.INVENTORY_PARTITIONS,
  batchMax: config.INVENTORY_BATCH_MAX,
  waitMs: config.INVENTORY_WAIT_MS,
  log,
})
const catalog = catalogClient({ url: config.CATALOG_URL?.replace(/\/+$/, ''), serviceToken: serviceTokens(config, 'ticketing'), log })
// After a loss of NATS, changes were missed: every stream ends (spread over 10 s) and its client reconnects
// to a fresh snapshot.
const GAP_RECONNECT_SPREAD_MS = 10_000
const hub = new AvailabilityHub(bus, () => availability.closeAll(GAP_RECONNECT_SPREAD_MS))

const availability = availabilityService({ models, catalog, hub, log, maxStreams: config.AVAILABILITY_STREAMS_MAX, streamLifetimeMs: config.AVAILABILITY_STREAM_MAX_SECONDS * 1000 })

const app = createService({
  name: 'ticketing',
  description: 'Ticket types and live availability; every change decided one event at a time by the inventory worker.',
  log,
  checks: { ...checks, redis: () => pingRedis(redis) },
})
  .use(authPlugin(config))
  .use(ticketTypesModule(ticketTypesService({ inventory, catalog, models }), config))
  .use(vouchersModule(vouchersService({ inventory, catalog, models, guesses: guessLimit(redis, `${config.REDIS_PREFIX}:ticketing:voucher-guesses`, config.VOUCHER_GUESSES_PER_HOUR, 3600, 'voucher codes') }), config))
  .use(poolsModule(poolsService({ inventory, catalog, models }), config))
  .use(availabilityModule(availability, config))
  .use(internalModule(inventory, summaryService(models), config))

serve(app, {
  port: config.PORT,
  hostname: config.HOST,
  log,
  beforeStop: [() => availability.closeAll()],
  closers: [() => hub.close(), () => inventory.close(), () => redis.quit(), () => Promise.all(blocking.map((b) => b.quit())), () => bus.close(), () => conn.close()],
})
