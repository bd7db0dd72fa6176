// Sending one delivery (notifications' worker): the payload as JSON, signed with the webhook's secret
// the way receivers check it (Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`),
// within a time budget, no redirects followed. A 2xx is delivered; anything else is tried again with
// backoff until the last try, and every attempt is written down for the admin's delivery list.
import { createHmac } from 'node:crypto'
import { DelayedError, UnrecoverableError, type Job } from 'bullmq'
import type { DeliveryStatus, WebhookJobData, WebhookJobName } from '@easypass/contracts/webhooks'
import { counter, type Logger } from '@easypass/kit'
import type { Models, WebhookDeliveryDoc, WebhookDoc } from '../../db'
import { pinnedTarget } from './address'
import type { SecretSeal } from './sealed'
import { wants, type WebhookSettings } from './service'

const deliveriesTotal = counter('notifications_webhook_attempts_total', 'Webhook delivery attempts by outcome', ['outcome'])

/** The signature header a receiver checks against the raw body. */
function signature(secret: string, body: string, at = Math.floor(Date.now() / 1000)): string {
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`
}

/** A delivery in one of these is over: a job for it (a fact that came again, a stalled job) sends nothing. */
export const ENDED: ReadonlySet<DeliveryStatus> = new Set(['delivered', 'failed', 'skipped'])

export function webhookSender({ models, settings, seal, timeoutMs, perWebhook, log }: { models: Models; settings: WebhookSettings; seal: SecretSeal; timeoutMs: number; perWebhook: number; log: Logger }) {
  const { Webhook, WebhookDelivery } = models
  // One job sends a delivery at a time (BullMQ's lock), so its record has one writer.
  const save = (doc: WebhookDeliveryDoc) => WebhookDelivery.replaceOne({ _id: doc._id }, doc, { upsert: true })
  /** Sends under way per webhook in this process: one slow receiver may not take every slot from the others. */
  const sending = new Map<string, number>()

  /** After a 2xx the delivery is done: its record is written (tried a few times), and the job never sends again. */
  async function saveDelivered(doc: WebhookDeliveryDoc) {
    for (let attempt = 1; ; attempt++) {
      try {
        return void (await save(doc))
      } catch (error) {
        if (attempt >= 5) return log.error({ delivery: doc._id, err: String(error) }, 'webhook delivered, but its record could not be written')
        await Bun.sleep(200 * attempt)
      }
    }
  }

  async function send(job: Job<WebhookJobData, void, WebhookJobName>, token?: string) {
    const { deliveryId, webhookId, payload } = job.data
    if ((sending.get(webhookId) ?? 0) >= perWebhook && token) {
      // Its turn comes a little later, without using up a try: 1 to 5 s, spread, so that the jobs of one
      // slow receiver do not all come back each second (each return is two Redis round trips).
      await job.moveToDelayed(Date.now() + 1_000 + Math.floor(Math.random() * 4_000), token)
      throw new DelayedError()
    }
    sending.set(webhookId, (sending.get(webhookId) ?? 0) + 1)
    try {
      await sendOne(job, deliveryId, webhookId, payload, job.data.byAdmin === true)
    } finally {
      const left = (sending.get(webhookId) ?? 1) - 1
      if (left > 0) sending.set(webhookId, left)
      else sending.delete(webhookId)
    }
  }

  async function sendOne(job: Job<WebhookJobData, void, WebhookJobName>, deliveryId: string, webhookId: string, queued: WebhookJobData['payload'], byAdmin: boolean) {
    const [hook, before] = await Promise.all([Webhook.findById(webhookId).lean<WebhookDoc>(), WebhookDelivery.findById(deliveryId).lean<WebhookDeliveryDoc>()])
    if (before && ENDED.has(before.status)) return
    // The delivery's stored payload, when there is one: what a closed account left of itself is taken out of it, not of the job's copy.
    const payload = before?.payload ?? queued
    const record: WebhookDeliveryDoc = {
      _id: deliveryId,
      webhookId,
      type: payload.type,
      factId: payload.id,
      status: 'pending',
      attempts: before?.attempts ?? 0,
      createdAt: before?.createdAt ?? new Date(),
      payload,
    }
    if (!hook || !hook.active) {
      // Removed: its history went with it. Switched off: said, nothing sent.
      if (hook) await save({ ...record, status: 'skipped', lastError: 'the webhook was switched off' })
      deliveriesTotal.inc({ outcome: 'skipped' })
      return
    }
    // Changed since this was queued (other kinds or events, switched off and on again): not sent.
    if (!wants(hook, payload, byAdmin)) {
      await save({ ...record, status: 'skipped', lastError: 'the webhook no longer asks for this (its kinds, its events, or switched on again since it happened)' })
      deliveriesTotal.inc({ outcome: 'skipped' })
      return
    }

    const attempt = job.attemptsMade + 1
    const last = attempt >= (job.opts.attempts ?? 1)
    const url = new URL(hook.url)
    let statusCode: number | undefined
    let problem: string | undefined
    try {
      const target = await pinnedTarget(url, settings.allowPrivate)
      if (!target) {
        await save({ ...record, status: 'failed', attempts: attempt, lastError: `${url.hostname} does not resolve to public addresses only` })
        deliveriesTotal.inc({ outcome: 'refused' })
        throw new UnrecoverableError('webhook address is not public')
      }
      let secret: string | undefined
      try {
        secret = seal.open(hook.secret)
      } catch {
        // Sealed under a SERVICE_SECRET this process does not hold: during a rotation the API reseals at
        // its start, before every worker runs the new secret, so this is a try that fails and comes
        // again (on an updated worker it reads). Only the last try gives the delivery up.
        problem = 'the signing secret cannot be read by this worker (SERVICE_SECRET being rotated?)'
      }
      if (secret !== undefined) {
        const body = JSON.stringify(payload)
        // To the address just checked, under the webhook's name (Host, SNI, the certificate's name).
        const response = await fetch(target.url, {
          method: 'POST',
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
          ...(target.tls ? { tls: target.tls } : {}),
          headers: {
            ...target.headers,
            'content-type': 'application/json',
            'user-agent': 'EasyPass-Webhooks/1',
            'easypass-event': payload.type,
            'easypass-delivery': deliveryId,
            'easypass-signature': signature(secret, body),
          },
        })
        statusCode = response.status
        await response.body?.cancel().catch(() => {})
        if (!response.ok) problem = `the receiver answered ${statusCode}`
      }
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error
      problem = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `could not reach it: ${error instanceof Error ? error.message : String(error)}`
    }
    if (problem === undefined) {
      await saveDelivered({ ...record, status: 'delivered', attempts: attempt, lastStatusCode: statusCode, deliveredAt: new Date() })
      deliveriesTotal.inc({ outcome: 'delivered' })
      return
    }
    const nextAttemptAt = last ? undefined : new Date(Date.now() + settings.retryMs * 2 ** (attempt - 1))
    await save({ ...record, status: last ? 'failed' : 'retrying', attempts: attempt, ...(statusCode !== undefined ? { lastStatusCode: statusCode } : {}), lastError: problem, ...(nextAttemptAt ? { nextAttemptAt } : {}) })
    deliveriesTotal.inc({ outcome: last ? 'failed' : 'retrying' })
    log.info({ delivery: deliveryId, webhook: webhookId, attempt, err: problem }, last ? 'webhook delivery failed for good' : 'webhook delivery failed; tried again later')
    throw new Error(problem)
  }

  return send
}
