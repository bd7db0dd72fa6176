// Webhooks: admins register an organiser's endpoint and the events it wants; every fact of those
// kinds becomes one delivery per webhook, a BullMQ job (its id the delivery's, so a fact that comes
// again adds nothing) that notifications' worker sends, signed, and retries with backoff.
import { createHash } from 'node:crypto'
import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Fact } from '@easypass/contracts/facts'
import {
  WEBHOOK_EVENTS,
  WEBHOOK_PING,
  type CreateWebhookBody,
  type UpdateWebhookBody,
  type Webhook,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookJobData,
  type WebhookJobName,
  type WebhookPayload,
  type WebhookWithSecret,
} from '@easypass/contracts/webhooks'
import { fail, writerOf, type Logger } from '@easypass/kit'
import type { Models, WebhookDeliveryDoc, WebhookDoc } from '../../db'
import { urlProblem } from './address'
import type { SecretSeal } from './sealed'

export type WebhookQueue = Queue<WebhookJobData, void, WebhookJobName>

export interface WebhookSettings {
  /** Plain HTTP and private addresses (local development, tests). */
  allowPrivate: boolean
  /** Tries per delivery, the first included. */
  attempts: number
  /** The wait before the second try; it doubles before each next one. */
  retryMs: number
}

const TYPE_OF_SUBJECT = new Map(Object.entries(WEBHOOK_EVENTS).map(([type, subject]) => [subject as string, type as WebhookEventType]))
/** The webhook types a fact gives, if any. */
const webhookTypeOf = (subject: string) => TYPE_OF_SUBJECT.get(subject)
export const WEBHOOK_SUBJECTS = Object.values(WEBHOOK_EVENTS)
/** The worker's durable consumer of them (NATS allows notifications' user its consumers only: stack/nats/users.conf). */
export const WEBHOOK_CONSUMER = 'notifications-webhooks'

/** How far the producers' clocks may be behind this one's when a fact is compared with a webhook's creation. */
const CLOCK_SKEW_MS = 2_000

/**
 * Whether the webhook, as it is now, asks for this payload: its kind, its event (when the webhook names
 * events) and a time since the webhook was (last) switched on. Asked when a fact comes, and again before
 * each try: a webhook narrowed, or switched off and on since, is sent nothing it no longer asks for. An
 * admin's send-again (`byAdmin`) asks only the kinds and events: one switched off to mend its receiver
 * and on again is sent again what failed before. A test (ping) is always its own.
 */
export function wants(hook: Pick<WebhookDoc, 'events' | 'eventIds' | 'activeSince' | 'createdAt'>, payload: { type: string; occurredAt: string; data: Record<string, unknown> }, byAdmin = false): boolean {
  if (payload.type === WEBHOOK_PING) return true
  const eventId = payload.data.eventId
  const since = (hook.activeSince ?? hook.createdAt).getTime() - CLOCK_SKEW_MS
  return (hook.events as readonly string[]).includes(payload.type) && (byAdmin || !(Date.parse(payload.occurredAt) < since)) && (!hook.eventIds?.length || (typeof eventId === 'string' && hook.eventIds.includes(eventId)))
}

const randomHex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex')
const newSecret = () => `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`
/** One delivery per webhook and fact, whoever adds it and however often. */
const deliveryIdOf = (webhookId: string, factId: string) => createHash('sha256').update(`${webhookId}\n${factId}`).digest('hex').slice(0, 32)

function viewWebhook(doc: WebhookDoc): Webhook {
  return {
    id: doc._id,
    url: doc.url,
    events: doc.events,
    ...(doc.eventIds?.length ? { eventIds: doc.eventIds } : {}),
    ...(doc.description ? { description: doc.description } : {}),
    active: doc.active,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  }
}

function viewDelivery(doc: WebhookDeliveryDoc): WebhookDelivery {
  return {
    id: doc._id,
    webhookId: doc.webhookId,
    type: doc.type,
    factId: doc.factId,
    status: doc.status,
    attempts: doc.attempts,
    ...(doc.lastStatusCode !== undefined ? { lastStatusCode: doc.lastStatusCode } : {}),
    ...(doc.lastError ? { lastError: doc.lastError } : {}),
    createdAt: doc.createdAt.toISOString(),
    ...(doc.deliveredAt ? { deliveredAt: doc.deliveredAt.toISOString() } : {}),
    ...(doc.nextAttemptAt ? { nextAttemptAt: doc.nextAttemptAt.toISOString() } : {}),
  }
}

export function webhooksService({ models, queue, redis, prefix, settings, seal, log }: { models: Models; queue: WebhookQueue; redis: Redis; prefix: string; settings: WebhookSettings; seal: SecretSeal; log: Logger }) {
  const { Webhook, WebhookDelivery } = models
  const deliveries = writerOf(WebhookDelivery)
  /** Counts changes to the webhooks, in any process: a consumer reloads its list when it moved. */
  const versionKey = `${prefix}:webhooks:version`

  function checkUrl(url: string) {
    const problem = urlProblem(url, settings.allowPrivate)
    if (problem) throw fail('VALIDATION', `url: ${problem}`, { fields: [{ path: 'url', message: problem }] })
  }

  async function load(id: string): Promise<WebhookDoc> {
    const doc = await Webhook.findById(id).lean<WebhookDoc>()
    if (!doc) throw fail('NOT_FOUND', 'webhook not found')
    return doc
  }

  // The webhooks facts are matched against: read again only when a change was counted (a fact per
  // purchase costs one Redis read, not a query), and at least every minute.
  let cached: { version: string | null; until: number; hooks: Promise<WebhookDoc[]> } | undefined
  async function activeHooks(): Promise<WebhookDoc[]> {
    const version = await redis.get(versionKey)
    if (!cached || cached.version !== version || cached.until <= Date.now()) {
      const hooks = Webhook.find({ active: true }).lean<WebhookDoc[]>().exec()
      cached = { version, until: Date.now() + 60_000, hooks }
      hooks.catch(() => (cached = undefined))
    }
    return cached.hooks
  }
  /** After the change is stored: every consumer's next fact sees it (Redis away: within the minute). */
  const changed = () => redis.incr(versionKey).catch((error) => log.warn({ err: String(error) }, 'webhook change not signalled; consumers see it within a minute'))

  /** Records the delivery (once) and queues it (once: the job id is the delivery id). */
  async function enqueue(hook: WebhookDoc, payload: WebhookPayload): Promise<string> {
    const deliveryId = deliveryIdOf(hook._id, payload.id)
    await deliveries.insert(WebhookDelivery, { _id: deliveryId, webhookId: hook._id, type: payload.type, factId: payload.id, status: 'pending', attempts: 0, createdAt: new Date(), payload })
    await queue.add('deliver', { deliveryId, webhookId: hook._id, payload }, jobOptions(deliveryId))
    return deliveryId
  }

  function jobOptions(jobId: string) {
    return {
      jobId,
      attempts: settings.attempts,
      backoff: { type: 'exponential', delay: settings.retryMs },
      // Out of Redis soon after (Redis holds the purchase queues too): a fact that comes again later
      // adds a job, which finds its delivery already ended in MongoDB and sends nothing.
      removeOnComplete: { age: 3_600, count: 10_000 },
      removeOnFail: { age: 86_400, count: 10_000 },
    }
  }

  return {
    async create(body: CreateWebhookBody): Promise<WebhookWithSecret> {
      checkUrl(body.url)
      const now = new Date()
      // Shown once, here; stored sealed.
      const secret = newSecret()
      const doc: WebhookDoc = {
        _id: randomHex(12),
        url: body.url,
        events: body.events,
        ...(body.eventIds?.length ? { eventIds: body.eventIds } : {}),
        ...(body.description ? { description: body.description } : {}),
        secret: seal.seal(secret),
        active: true,
        activeSince: now,
        createdAt: now,
        updatedAt: now,
      }
      await Webhook.create(doc)
      await changed()
      return { ...viewWebhook(doc), secret }
    },

    async list(): Promise<Webhook[]> {
      return (await Webhook.find().sort({ createdAt: 1 }).lean<WebhookDoc[]>()).map(viewWebhook)
    },

    get: async (id: string) => viewWebhook(await load(id)),

    async update(id: string, body: UpdateWebhookBody): Promise<Webhook> {
      if (body.url !== undefined) checkUrl(body.url)
      const before = await load(id)
      // Admins' edits are rare and whole: the last one wins. An empty event list is every event again.
      // Switched on again: what happened while it was off is not sent.
      const now = new Date()
      const { eventIds, ...rest } = body
      const set = { ...(eventIds?.length ? body : rest), updatedAt: now, ...(body.active && !before.active ? { activeSince: now } : {}) }
      const update = eventIds?.length === 0 ? { $set: set, $unset: { eventIds: 1 } } : { $set: set }
      await Webhook.updateOne({ _id: id }, update)
      await changed()
      return viewWebhook(await load(id))
    },

    async remove(id: string) {
      const { deletedCount } = await Webhook.deleteOne({ _id: id })
      if (!deletedCount) throw fail('NOT_FOUND', 'webhook not found')
      await changed()
      // Its queued deliveries find it gone and send nothing; its history goes with it.
      await WebhookDelivery.deleteMany({ webhookId: id })
    },

    /**
     * After SERVICE_SECRET was replaced (SERVICE_PREVIOUS_SECRET given): every signing secret sealed
     * under the previous one, or stored before sealing, sealed under the new one, so the previous can go.
     * Each a conditional update on the value read (a replica doing the same at once wins or loses whole).
     * `unreadable`: sealed under neither (renewing the secret mends it).
     */
    async resealAll(): Promise<{ resealed: number; unreadable: number }> {
      let resealed = 0
      let unreadable = 0
      for await (const hook of Webhook.find({}, { secret: 1 }).lean<Pick<WebhookDoc, '_id' | 'secret'>>().cursor()) {
        let next: string | undefined
        try {
          next = seal.reseal(hook.secret)
        } catch {
          unreadable++
          continue
        }
        if (next && (await Webhook.updateOne({ _id: hook._id, secret: hook.secret }, { $set: { secret: next } })).modifiedCount) resealed++
      }
      return { resealed, unreadable }
    },

    /** A new signing secret; the old one stops signing at once. */
    async renewSecret(id: string): Promise<{ secret: string }> {
      await load(id)
      const secret = newSecret()
      await Webhook.updateOne({ _id: id }, { $set: { secret: seal.seal(secret), updatedAt: new Date() } })
      return { secret }
    },

    /** A test delivery (`webhook.ping`) to an active webhook, through the same queue as every other. */
    async ping(id: string): Promise<{ deliveryId: string }> {
      const hook = await load(id)
      if (!hook.active) throw fail('CONFLICT', 'the webhook is switched off: switch it on to test it')
      try {
        return { deliveryId: await enqueue(hook, { id: `ping:${randomHex(8)}`, type: WEBHOOK_PING, occurredAt: new Date().toISOString(), data: { webhookId: id } }) }
      } catch (error) {
        log.warn({ webhookId: id, err: String(error) }, 'webhook test not queued')
        throw fail('UNAVAILABLE', 'the test could not be queued just now, try again in a moment', { retryAfterSeconds: 5 })
      }
    },

    /** A delivery given up, sent again from its first try (an admin fixed the receiver). */
    async redeliver(id: string, deliveryId: string): Promise<{ deliveryId: string }> {
      const hook = await load(id)
      const record = await WebhookDelivery.findById(deliveryId).lean<WebhookDeliveryDoc>()
      if (!record || record.webhookId !== id) throw fail('NOT_FOUND', 'this webhook has no such delivery')
      if (!hook.active) throw fail('CONFLICT', 'the webhook is switched off: switch it on to send it again')
      if (record.status !== 'failed') throw fail('CONFLICT', `only a delivery given up can be sent again; this one is ${record.status}`)
      if (!record.payload) throw fail('CONFLICT', 'what this delivery sent is no longer kept')
      if (!wants(hook, record.payload, true)) throw fail('CONFLICT', 'the webhook no longer asks for this (its kinds or its events changed since): nothing is sent')
      // Two admins asking at once send it once (a lock in Redis: FerretDB's conditional updates are not atomic).
      if (!(await redis.set(`${prefix}:webhooks:redeliver:${deliveryId}`, '1', 'PX', 10_000, 'NX'))) throw fail('CONFLICT', 'it is being sent again already')
      await WebhookDelivery.updateOne({ _id: deliveryId }, { $set: { status: 'pending', attempts: 0 }, $unset: { nextAttemptAt: 1, lastError: 1, lastStatusCode: 1 } })
      try {
        await queue.add('deliver', { deliveryId, webhookId: id, payload: record.payload, byAdmin: true }, jobOptions(`${deliveryId}-r${Date.now()}`))
      } catch (error) {
        // Not queued (Redis refused it): given up again, as it was, so that it can be asked for again (a
        // `pending` with no job behind it would refuse every later try).
        log.warn({ webhookId: id, deliveryId, err: String(error) }, 'webhook redelivery not queued')
        await WebhookDelivery.updateOne({ _id: deliveryId, status: 'pending' }, { $set: { status: 'failed', lastError: 'sending it again could not be queued' } }).catch(() => {})
        await redis.del(`${prefix}:webhooks:redeliver:${deliveryId}`).catch(() => {})
        throw fail('UNAVAILABLE', 'it could not be queued just now, try again in a moment', { retryAfterSeconds: 5 })
      }
      return { deliveryId }
    },

    async deliveries(id: string, limit = 50): Promise<WebhookDelivery[]> {
      await load(id)
      return (await WebhookDelivery.find({ webhookId: id }).sort({ createdAt: -1 }).limit(limit).lean<WebhookDeliveryDoc[]>()).map(viewDelivery)
    },

    /** Whether any webhook is switched on (the consumer of facts runs only then). */
    anyActive: async () => (await activeHooks()).length > 0,

    /**
     * A fact, for the webhooks that subscribe to its kind (and its event, when they name events). Only
     * facts that happened since a webhook was (last) switched on reach it, give or take the clocks' skew:
     * a consumer catching up after an outage or a pause must not send it older ones.
     */
    async fromFact(f: Fact) {
      const type = webhookTypeOf(f.subject)
      if (!type) return
      const payload = { id: f.id, type, occurredAt: f.occurredAt, data: f.data as Record<string, unknown> }
      const hooks = (await activeHooks()).filter((h) => wants(h, payload))
      for (const hook of hooks) await enqueue(hook, payload)
      if (hooks.length) log.debug({ fact: f.id, type, webhooks: hooks.length }, 'webhook deliveries queued')
    },
  }
}
export type WebhooksService = ReturnType<typeof webhooksService>
