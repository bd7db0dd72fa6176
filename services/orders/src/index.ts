// Orders API: buying (hold → charge → confirm → tickets), paying, cancelling, refunds, e-tickets and
// check-in. The background work (facts, reconciliation, the status projection) runs in
// src/worker.ts. This process records facts in its outbox and relays its own while NATS is there;
// it never waits for NATS: the worker relays whatever is left in the outbox.
import { Bus, connectMongo, connectNats, connectRedis, createLogger, createService, ensureIndexes, Outbox, pingMongo, pingRedis, previousSecrets, serve } from '@easypass/kit'
import { ordersConfig } from './config'
import { ordersCore } from './core'
import { ticketResender } from './modules/tickets/resend'
import { ticketsPdfService } from './modules/tickets/pdf'
import { walletPasses } from './modules/tickets/wallet'
import { googleWallet } from './modules/tickets/google-wallet'
import { ticketsPdfRenderer } from '@easypass/tickets-pdf'
import { checkinsModule } from './modules/checkins'
import { checkinsService } from './modules/checkins/service'
import { internalModule } from './modules/internal'
import { lastEventOf } from './modules/internal/last-event'
import { ordersModule } from './modules/orders'
import { receiptService } from './modules/orders/receipt'
import { invoiceNumbers } from './modules/invoices/service'
import { invoiceDocuments } from './modules/invoices/documents'
import { invoicesModule } from './modules/invoices/index'
import { waitingRooms } from './modules/waiting-room/service'
import { waitingRoomModule } from './modules/waiting-room/index'
import { messagesModule } from './modules/messages'
import { messagesService } from './modules/messages/service'
import { reportsModule } from './modules/reports'
import { answersModule } from './modules/answers'
import { answersService } from './modules/answers/service'
import { myDataModule } from './modules/my-data'
import { reportsService } from './modules/reports/service'
import { ticketNaming } from './modules/tickets/naming'
import { transfersModule } from './modules/transfers'
import { transfersService } from './modules/transfers/service'
import { gated } from './modules/purchase/gate'
import { purchaseService } from './modules/purchase/service'
import { soldOutBoard } from './modules/purchase/sold-out'
import { LIVE } from '@easypass/contracts/facts'
import type { Availability } from '@easypass/contracts/inventory'

const config = ordersConfig(4105)
const log = createLogger('orders', config.LOG_LEVEL)
const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_orders`, log)
const redis = connectRedis(config.REDIS_URL, { name: 'orders', autoPipeline: true })
// Not awaited: orders sells while NATS is away (its facts wait in the outbox, which the worker relays).
const bus = new Bus({ nc: connectNats(config.NATS_URL, 'orders', log), prefix: config.BUS_PREFIX, log })
const outbox = new Outbox(conn, bus, log)
// Its own facts only (from memory): reading the outbox is the worker's job.
outbox.start({ pollMs: Number.POSITIVE_INFINITY })
const soldOut = soldOutBoard()
// A restock missed while NATS was away must not be answered SOLD_OUT: after a loss, ticketing decides again.
bus.subscribeLive(LIVE.availabilityChanged('*'), (view) => soldOut.update(view as Availability), () => soldOut.clear())
const core = ordersCore(config, conn, redis, outbox, log)
await ensureIndexes(conn)
const { store, tickets, refunds } = core
const renderer = ticketsPdfRenderer({ fontDir: config.TICKET_FONT_DIR || undefined })
log.info({ fonts: renderer.unicode ? config.TICKET_FONT_DIR : 'built-in (Latin-1 only)' }, 'ticket PDF fonts')
const pdf = ticketsPdfService({ tickets, catalog: core.catalog, renderer, log })
const wallet = walletPasses(core.wallet, { catalog: core.catalog, log })
const google = googleWallet(core.googleWalletIssuer, { catalog: core.catalog, log })
const name = ticketNaming({ store, tickets, locks: core.locks })
// While SERVICE_SECRET is rotated the previous one is still taken (links, retried purchases): said at every start, so that it is not left in place by mistake.
if (previousSecrets(config).length) log.warn('SERVICE_PREVIOUS_SECRET is given: links and purchase retries made with it are still taken; remove it once the rotation is over')
const transfers = transfersService({ models: core.models, store, tickets, locks: core.locks, catalog: core.catalog, outbox, redis, prefix: config.REDIS_PREFIX, secret: config.SERVICE_SECRET!, previousSecrets: previousSecrets(config), log })
const reports = reportsService({ models: core.models, catalog: core.catalog })
const invoices = invoiceNumbers({ models: core.models, numberPrefix: config.INVOICE_NUMBER_PREFIX, locks: core.locks })
const issuer = config.INVOICE_ISSUER_NAME
  ? { name: config.INVOICE_ISSUER_NAME, ...(config.INVOICE_ISSUER_ADDRESS ? { address: config.INVOICE_ISSUER_ADDRESS } : {}), ...(config.INVOICE_ISSUER_TAX_ID ? { taxId: config.INVOICE_ISSUER_TAX_ID } : {}) }
  : undefined
const documents = invoiceDocuments({ models: core.models, invoices, refunds, payments: core.payments, catalog: core.catalog, renderer, locks: core.locks, invoicing: !!issuer, log })
const receipt = receiptService({ payments: core.payments, catalog: core.catalog, renderer, invoices, documents, refunds, ...(issuer ? { issuer } : {}), log })
const rooms = waitingRooms({ models: core.models, redis, prefix: config.REDIS_PREFIX, catalog: core.catalog })
const answers = answersService({ models: core.models, catalog: core.catalog, store, locks: core.locks })
const purchase = gated(purchaseService({ config, log, ...core, soldOut, rooms, answers }), config.ORDER_MAX_CONCURRENT, config.ORDER_WAIT_MS)

const app = createService({
  name: 'orders',
  description: 'Orders: buying, paying, cancelling and refunding tickets; e-tickets and check-in.',
  log,
  checks: { mongo: () => pingMongo(conn), redis: () => pingRedis(redis) },
})
  .use(ordersModule(config, { store, purchase, refunds, tickets, name, resend: ticketResender({ store, tickets, outbox, redis, prefix: config.REDIS_PREFIX }), pdf, receipt }))
  .use(invoicesModule(config, { store, documents }))
  .use(answersModule(config, { store, answers }))
  .use(myDataModule(config, { store, tickets, answers, documents, transfers }))
  .use(waitingRoomModule(config, rooms))
  .use(transfersModule(config, { transfers, store, name, pdf, wallet, google }))
  .use(checkinsModule(config, checkinsService({ models: core.models, store, tickets, locks: core.locks, catalog: core.catalog, log })))
  .use(reportsModule(config, reports))
  .use(messagesModule(config, messagesService({ models: core.models, reports, catalog: core.catalog, redis, prefix: config.REDIS_PREFIX })))
  .use(internalModule(config, store, tickets, receipt, documents, answers, lastEventOf({ models: core.models, catalog: core.catalog })))

// Purchases go on after their 202 (a slow charge, the confirm): they end before the stores close, within the shutdown's deadline.
serve(app, { port: config.PORT, hostname: config.HOST, log, closers: [() => purchase.drained(), () => renderer.close(), () => outbox.stop(), () => bus.close(), () => redis.quit(), () => conn.close()] })
