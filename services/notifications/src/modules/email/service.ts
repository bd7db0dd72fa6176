import type { Transporter } from 'nodemailer'
import type { Fact } from '@easypass/contracts/facts'
import { AppError, callService, counter, writerOf, type Logger } from '@easypass/kit'
import type { EmailDoc, Models } from '../../db'
import { renderOrderConfirmation, renderRefundReceipt, type RenderedEmail, type TicketForEmail } from './template'

const emailsTotal = counter('notifications_emails_total', 'Emails recorded, by status', ['status'])

export interface EmailDeps {
  models: Models
  /** Absent when SMTP_URL is not set: emails are then recorded as skipped. */
  transport?: Transporter
  from: string
  ordersUrl?: string
  catalogUrl?: string
  serviceToken: () => Promise<string>
  log: Logger
  sendAttempts?: number
}

/**
 * One email per fact, recorded in `emails` under the fact's id: a redelivered fact finds the record
 * and sends nothing. Ticket codes come from orders; orders being unreachable makes the fact come again
 * later (the email waits), a mail server that keeps refusing is recorded as `failed`.
 */
export function emailService({ models, transport, from, ordersUrl, catalogUrl, serviceToken, log, sendAttempts = 3 }: EmailDeps) {
  const { Email } = models

  async function record(doc: Omit<EmailDoc, 'at'>) {
    if (await writerOf(Email).insert(Email, { ...doc, at: new Date() } as EmailDoc)) emailsTotal.inc({ status: doc.status })
  }

  async function tickets(orderId: string): Promise<TicketForEmail[]> {
    if (!ordersUrl) return []
    try {
      const answer = await callService<unknown>(ordersUrl, `/internal/orders/${encodeURIComponent(orderId)}/tickets`, { token: await serviceToken() })
      const list = Array.isArray(answer) ? answer : ((answer as { items?: unknown[] })?.items ?? [])
      return list
        .filter((t): t is TicketForEmail => typeof (t as TicketForEmail)?.code === 'string')
        .map((t) => ({ code: t.code, qrSvg: typeof t.qrSvg === 'string' ? t.qrSvg : undefined, ticketTypeId: t.ticketTypeId, ticketTypeName: t.ticketTypeName }))
    } catch (error) {
      // Unreachable or failing: try the whole fact again later. A definite "no such order": send without codes.
      if (error instanceof AppError && error.status >= 400 && error.status < 500) {
        log.warn({ orderId, status: error.status }, 'orders does not know the tickets of a paid order; emailing without codes')
        return []
      }
      throw error
    }
  }

  async function event(eventId: string): Promise<{ title?: string; startsAt?: string; venue?: string }> {
    if (!catalogUrl) return {}
    try {
      const e = await callService<{ title?: string; startsAt?: string; venue?: { name?: string; city?: string } }>(catalogUrl, `/internal/events/${encodeURIComponent(eventId)}`, {
        token: await serviceToken(),
        timeoutMs: 3_000,
      })
      const venue = [e.venue?.name, e.venue?.city].filter(Boolean).join(', ')
      return { title: e.title, startsAt: e.startsAt, ...(venue ? { venue } : {}) }
    } catch (error) {
      log.debug({ eventId, err: String(error) }, 'event details unavailable for an email')
      return {}
    }
  }

  async function render(f: Fact): Promise<RenderedEmail | null> {
    if (f.subject === 'orders.order-paid') {
      const d = f.data as Fact<'orders.order-paid'>['data']
      const details = d.eventStartsAt && d.eventTitle ? {} : await event(d.eventId)
      return renderOrderConfirmation({
        orderId: d.orderId,
        eventTitle: d.eventTitle ?? details.title,
        startsAt: d.eventStartsAt ?? details.startsAt,
        venue: details.venue,
        items: d.items ?? [],
        totalCents: d.totalCents,
        currency: d.currency,
        tickets: await tickets(d.orderId),
      })
    }
    if (f.subject === 'orders.order-refunded') {
      const d = f.data as Fact<'orders.order-refunded'>['data']
      return renderRefundReceipt({ orderId: d.orderId, eventTitle: d.eventTitle, amountCents: d.amountCents, currency: d.currency, reason: d.reason })
    }
    return null
  }

  const addressOf = (f: Fact) => {
    const to = (f.data as { userEmail?: unknown }).userEmail
    return typeof to === 'string' && /^[^@\s]+@[^@\s]+$/.test(to.trim()) ? to.trim() : undefined
  }

  /** Sends the email a fact calls for, once. Throws only when the fact should come again (orders unreachable). */
  async function deliver(f: Fact) {
    if (f.subject !== 'orders.order-paid' && f.subject !== 'orders.order-refunded') return
    const to = addressOf(f)
    const subject = f.subject === 'orders.order-paid' ? 'order confirmation' : 'refund receipt'
    // Nothing to send: recorded once (a redelivery is a duplicate insert), with no lookup first.
    if (!to) return record({ _id: f.id, subject, status: 'skipped', error: 'no email address in the fact' })
    // No mail server configured (local runs, load tests): nothing to send, nothing worth a write per fact.
    if (!transport) {
      emailsTotal.inc({ status: 'skipped' })
      return
    }
    if (await Email.exists({ _id: f.id })) return
    const email = await render(f)
    if (!email) return
    let lastError = ''
    for (let attempt = 1; attempt <= sendAttempts; attempt++) {
      try {
        const info = await transport.sendMail({ from, to, subject: email.subject, html: email.html, text: email.text, attachments: email.attachments })
        log.info({ fact: f.id, messageId: info.messageId }, 'email sent')
        return record({ _id: f.id, to, subject: email.subject, status: 'sent', messageId: String(info.messageId ?? '') })
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error)
        log.warn({ fact: f.id, attempt, err: lastError }, 'email not accepted by the mail server')
        if (attempt < sendAttempts) await Bun.sleep(500 * 2 ** (attempt - 1))
      }
    }
    return record({ _id: f.id, to, subject: email.subject, status: 'failed', error: lastError.slice(0, 500) })
  }

  return { deliver, render }
}
export type EmailService = ReturnType<typeof emailService>
