// Notifications: turns order facts into a user's notifications (list + live stream) and emails.
import nodemailer from 'nodemailer'
import { LIVE } from '@easypass/contracts/facts'
import { Queue } from 'bullmq'
import { WEBHOOK_QUEUE, type WebhookJobData, type WebhookJobName } from '@easypass/contracts/webhooks'
import { Bus, connectMongo, connectNats, connectRedis, createLogger, createService, ensureIndexes, Outbox, pingMongo, pingRedis, previousSecrets, repeatEvery, serve, serviceTokens } from '@easypass/kit'
import { ticketsPdfRenderer } from '@easypass/tickets-pdf'
import { notificationsConfig } from './config'
import { defineModels } from './db'
import { emailService } from './modules/email/service'
import { CONSUMED, EMAILED, EMAIL_CONSUMER, NOTIFICATIONS_CONSUMER, emailHandler, factHandler } from './modules/facts/consumer'
import { inboxModule } from './modules/inbox'
import { previewsModule } from './modules/previews'
import { inboxService } from './modules/inbox/service'
import { streamModule } from './modules/stream'
import { streamHub } from './modules/stream/hub'
import { waitlistModule } from './modules/waitlist'
import { myDataModule } from './modules/my-data'
import { waitlistService } from './modules/waitlist/service'
import { webhooksModule } from './modules/webhooks'
import { secretSeal } from './modules/webhooks/sealed'
import { webhooksService } from './modules/webhooks/service'
import { retention } from './modules/retention/service'

const config = notificationsConfig(4106)
const log = createLogger('notifications', config.LOG_LEVEL)
const conn = await connectMongo(config.MONGO_URL, `${config.MONGO_DB_PREFIX}_notifications`, log)
const models = defineModels(conn)
await ensureIndexes(conn)
// Not awaited: the service starts and serves while NATS is away (facts wait in the outbox).
const bus = new Bus({ nc: connectNats(config.NATS_URL, 'notifications', log), prefix: config.BUS_PREFIX, log })
// Facts of its own (waiting buyers told that tickets are back) go out through an outbox, like every producer's.
const outbox = new Outbox(conn, bus, log)

const transport = config.SMTP_URL
  ? nodemailer.createTransport({ url: config.SMTP_URL, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 120_000 })
  : undefined
// The tickets' PDF goes with each confirmation email: made only where emails are sent, and never refused
// for being busy (the email consumer runs 8 at a time).
const pdf = transport ? ticketsPdfRenderer({ fontDir: config.TICKET_FONT_DIR || undefined, maxWaiting: 32 }) : undefined
const inbox = inboxService(models)
// In the background, at start and then every minute (replicas of the older version may still write
// them during a rolling update): read marks of that version become `readAt`.
const migrateReadMarks = () =>
  inbox
    .migrateReadMarks()
    .then((moved) => moved && log.info({ moved }, 'read marks moved onto their notifications'))
    .catch((error) => log.warn({ err: String(error) }, 'read marks not moved yet; tried again in a minute'))
void migrateReadMarks()
const migrating = setInterval(migrateReadMarks, 60_000)
const emails = emailService({
  models,
  transport,
  from: config.MAIL_FROM,
  ordersUrl: config.ORDERS_URL,
  catalogUrl: config.CATALOG_URL,
  publicUrl: config.PUBLIC_URL,
  serviceToken: serviceTokens(config, 'notifications'),
  serviceSecret: config.SERVICE_SECRET,
  log,
  pdf,
})
const waitlist = waitlistService({ models, outbox, offerWindowMs: config.WAITLIST_OFFER_SECONDS * 1000, catalogUrl: config.CATALOG_URL, serviceToken: serviceTokens(config, 'notifications'), log })
outbox.start()
// Availability signals say when tickets may have come back; the sweep covers missed ones and sales that open.
const availability = bus.subscribeLive(LIVE.availabilityChanged('*'), (data, subject) =>
  waitlist.availabilityChanged(subject.slice(subject.lastIndexOf('.') + 1), data as Parameters<typeof waitlist.availabilityChanged>[1]),
)
// One sweep at a time: a slow catalog makes the next one wait, never pile up.
const sweepWaitlists = () => waitlist.sweep().catch((error) => log.warn({ err: String(error) }, 'waiting lists not swept; tried again later'))
void sweepWaitlists()
const waitlistSweep = setInterval(sweepWaitlists, config.WAITLIST_SWEEP_MS)
// Webhook deliveries are queued here (test pings) and by the worker's fact consumer; the worker sends them.
const redis = connectRedis(config.REDIS_URL, { name: 'notifications' })
const webhookQueue = new Queue<WebhookJobData, void, WebhookJobName>(WEBHOOK_QUEUE, { connection: redis, prefix: config.REDIS_PREFIX })
const webhooks = webhooksService({ models, queue: webhookQueue, redis, prefix: config.REDIS_PREFIX, settings: config.webhooks, seal: secretSeal(config.SERVICE_SECRET!, previousSecrets(config)), log })
// A rotation of SERVICE_SECRET: the signing secrets sealed under the previous one are sealed again under
// the current one, at start and every 10 minutes while it is given (replicas of the version before may
// still seal under it while an update rolls); each pass is logged, and the previous secret may go once a
// pass after the update resealed none.
if (previousSecrets(config).length) log.warn('SERVICE_PREVIOUS_SECRET is given: what it signed and sealed is still taken, and webhook secrets are sealed again under SERVICE_SECRET')
const stopResealing = previousSecrets(config).length
  ? repeatEvery(
      10 * 60_000,
      async () => log.info(await webhooks.resealAll(), 'webhook secrets under the previous SERVICE_SECRET sealed again under the current one (none resealed after the update: SERVICE_PREVIOUS_SECRET may go)'),
      log,
      'webhook secrets not resealed yet; they still open with SERVICE_PREVIOUS_SECRET, tried again in 10 minutes',
    )
  : () => {}
// Secrets stored before they were sealed (`whsec_…`) are sealed once at start, so a copy of the database
// holds none in the clear (those already sealed under the current secret are left as they are).
if (!previousSecrets(config).length)
  void webhooks
    .resealAll()
    .then((r) => r.resealed && log.info(r, 'webhook secrets stored in the clear sealed'))
    .catch((error) => log.warn({ err: String(error) }, 'webhook secrets stored in the clear not sealed yet; sealed at the next start'))
const hub = streamHub(log)
// After a loss of NATS, signals sent meanwhile were missed: every stream ends (spread over 10 s), and its
// client comes back with Last-Event-ID and gets what was stored since.
const live = bus.subscribeLive(
  'notifications.created.*',
  (data, subject) => hub.deliver(subject.slice(subject.lastIndexOf('.') + 1), data as { id?: string }),
  () => hub.closeAll(10_000),
)

// Emails a mail server would not take for now, tried again on their own schedule (one pass at a time).
const stopEmailRetries = transport ? repeatEvery(config.EMAIL_RETRY_INTERVAL_MS, () => emails.retryWaiting(), log, 'waiting emails not tried again yet; will retry') : () => {}

// A closed account forgotten at once; its late arrivals and every old address in the email log, by a sweep.
const personalData = retention({ models, addressDays: config.EMAIL_LOG_ADDRESS_DAYS, log })
const stopRetention = repeatEvery(config.RETENTION_SWEEP_INTERVAL_MS, () => personalData.sweep(), log, 'personal data not swept; will retry')

// Not awaited: while NATS is away the service still answers lists and streams; facts wait in the stream.
const stopConsumer = bus.keepStarting('fact consumers', async () => {
  // Each fact makes its own notification (and email), whatever came before: many at once.
  // Emails first: created by this version, their consumer takes over where the notifications
  // consumer (which sent them before) has not acknowledged yet, before that one moves on. Facts
  // emailed meanwhile by an older replica are recorded and send nothing again.
  const stopEmails = await bus.consume(EMAIL_CONSUMER, EMAILED, emailHandler({ emails, log }), {
    parallel: 8,
    startAt: (subject) => bus.unacknowledgedFrom(NOTIFICATIONS_CONSUMER, CONSUMED, subject),
  })
  const stopNotifications = await bus.consume(NOTIFICATIONS_CONSUMER, CONSUMED, factHandler({ inbox, bus, log, forget: personalData.forget }), { parallel: 32 }).catch(async (error) => {
    await stopEmails()
    throw error
  })
  return async () => {
    await Promise.all([stopNotifications(), stopEmails()])
  }
})

const app = createService({
  name: 'notifications',
  description: 'Notifications of orders, live streams and confirmation emails.',
  log,
  checks: { mongo: () => pingMongo(conn), nats: () => bus.ping(), redis: () => pingRedis(redis) },
})
  .use(inboxModule(inbox, config))
  .use(waitlistModule(waitlist, config))
  .use(myDataModule(config, inbox, waitlist))
  .use(webhooksModule(webhooks, config))
  .use(previewsModule(emails, config))
  .use(streamModule(hub, config, config.SSE_HEARTBEAT_SECONDS, inbox.storedAfter))

// Open streams never end by themselves: close them first so the server can stop at once.
process.on('SIGTERM', () => hub.closeAll())
process.on('SIGINT', () => hub.closeAll())

serve(app, {
  port: config.PORT,
  hostname: config.HOST,
  log,
  // Open streams end first: the server's graceful stop would otherwise wait for them until the deadline.
  beforeStop: [() => hub.closeAll()],
  closers: [
    stopResealing,
    () => clearInterval(migrating),
    () => clearInterval(waitlistSweep),
    stopRetention,
    stopEmailRetries,
    () => waitlist.stop(),
    () => availability.unsubscribe(),
    () => stopConsumer(),
    () => outbox.stop(),
    () => live.unsubscribe(),
    () => transport?.close(),
    () => pdf?.close(),
    () => bus.close(),
    () => webhookQueue.close(),
    () => redis.quit(),
    () => conn.close(),
  ],
})
