import type { Transporter } from 'nodemailer'
import { confirmationTextsFor, emailTextProblem, type EmailPreview, type EmailPreviewBody, type StoredConfirmationTexts } from '@easypass/contracts/event-emails'
import { languageOf, type Language } from '@easypass/contracts/languages'
import type { Fact } from '@easypass/contracts/facts'
import { TRANSFER_LINK_PURPOSE } from '@easypass/contracts/orders'
import { AppError, callService, fail, callServiceFile, counter, linkToken, writerOf, type Logger } from '@easypass/kit'
import type { PrintedTicket, TicketsPdfInput, TicketsPdfRenderer } from '@easypass/tickets-pdf'
import type { EmailClaimDoc, EmailDoc, EmailWaitDoc, Models } from '../../db'
import { renderEventMessage, renderHeldTicketRefunded, renderOrderConfirmation, renderRefundReceipt, renderTicketOffered, renderTicketsAvailable, type ConfirmationInput, type RenderedEmail, type TicketForEmail } from './template'
import { EMAIL_WORDS } from './words'

const emailsTotal = counter('notifications_emails_total', 'Emails recorded, by status', ['status'])

/**
 * A claim older than this belongs to a process that died: a send, all attempts included, takes less
 * (three attempts of at most 2 minutes each for the server's answer, and their pauses).
 */
export const CLAIM_LEASE_MS = 10 * 60_000
/**
 * Claims per fact: sends that may have delivered the email (no answer after its data went out). A send
 * the server surely did not take (no connection, a refusal for now) uses none: it is tried again for as
 * long as the fact lives.
 */
export const MAX_CLAIMS = 10

/** A mail server that still refuses for now (4xx) after this long since the fact is given up on, as mail servers give up on a queued message. */
export const REFUSED_FOR_NOW_GIVE_UP_MS = 3 * 86_400_000

/** The email must wait: it is kept in `email_waits` and tried again later (`handle`, `retryWaiting`). */
export class EmailLater extends Error {}

/**
 * A refusal the mail server would repeat for this message: its recipient or the message itself refused
 * for good (5xx to RCPT TO or DATA, or an envelope nodemailer cannot even send). A server refusing us
 * (authentication, a greeting refused, a sender it does not take) or not answering is worth retrying:
 * it is fixed for every email at once.
 */
export function permanentRefusal(error: unknown): boolean {
  const e = error as { responseCode?: unknown; code?: unknown; command?: unknown }
  if (e?.code !== 'EENVELOPE' && e?.code !== 'EMESSAGE') return false
  if (e.command === 'MAIL FROM') return false
  return typeof e.responseCode !== 'number' || e.responseCode >= 500
}

/**
 * The send failed before the message could have reached the server: no connection (refused, no route,
 * no name, a connection or greeting that timed out), a greeting or hello refused, TLS or authentication
 * failing, or the sender refused. A socket error or timeout later on is not known to be so.
 */
export function beforeTheMessage(error: unknown): boolean {
  const e = error as { code?: unknown; command?: unknown; message?: unknown; timeoutType?: unknown }
  if (e?.timeoutType === 'CONNECT_TIMEOUT' || e?.timeoutType === 'GREETING_TIMEOUT' || e?.timeoutType === 'UPGRADE_TIMEOUT') return true
  if (e?.code === 'EDNS' || e?.code === 'EAUTH' || e?.code === 'ETLS') return true
  if (e?.code === 'EENVELOPE' && e.command === 'MAIL FROM') return true
  const message = typeof e?.message === 'string' ? e.message : ''
  if (e?.code === 'EPROTOCOL' && /^Invalid (greeting|LHLO|HELO)/.test(message)) return true
  if (e?.code === 'ECONNECTION' && e.command === 'EHLO') return true
  return /\b(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)\b/.test(message)
}

/** The server answered with a refusal for now (4xx, e.g. greylisting or throttling): it did not take the message. */
export function refusedForNow(error: unknown): boolean {
  const code = (error as { responseCode?: unknown })?.responseCode
  return typeof code === 'number' && code >= 400 && code < 500
}

/** Surely not delivered: sending it again cannot make a second copy. */
export const notDelivered = (error: unknown) => beforeTheMessage(error) || refusedForNow(error)

export interface EmailDeps {
  models: Models
  /** Absent when SMTP_URL is not set: emails are then recorded as skipped. */
  transport?: Transporter
  from: string
  ordersUrl?: string
  catalogUrl?: string
  /** The web app's address: an email about an event links to its page. */
  publicUrl?: string
  serviceToken: () => Promise<string>
  /** Signs the links of ticket offers (orders derives and checks the same token). */
  serviceSecret?: string
  log: Logger
  sendAttempts?: number
  /** Makes the tickets' PDF attached to confirmations; none: no attachment. */
  pdf?: TicketsPdfRenderer
}

/** The facts that make an email, and what each email is (recorded when it is skipped). */
const SUBJECTS = {
  'orders.order-paid': 'order confirmation',
  'orders.tickets-resent': 'order confirmation, again',
  'orders.order-refunded': 'refund receipt',
  'orders.tickets-refunded': 'refund receipt, some tickets',
  'notifications.tickets-available': 'tickets available',
  'orders.ticket-transfer-offered': 'ticket offered',
  'orders.held-ticket-refunded': 'ticket passed on, refunded',
  'orders.holder-messaged': 'message from the organiser',
} as const

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * One email per fact, recorded in `emails` under the fact's id: a redelivered fact finds the record
 * and sends nothing. Sending is claimed first (`email_claims`), so two copies of a fact handled at once
 * send one email. Ticket codes come from orders; orders being unreachable, or a mail server refusing
 * for now (a 4xx, no connection, authentication), makes the fact come again later: the email waits.
 * Only a permanent refusal of the message (5xx), or sends that may each have delivered it (no answer
 * after the data) through every claim, are recorded as `failed`. Such a send, and a crash between the
 * send and marking its claim sent, are the only ways an email goes out twice.
 */
export function emailService({ models, transport, from, ordersUrl, catalogUrl, publicUrl, serviceToken, serviceSecret, log, sendAttempts = 3, pdf }: EmailDeps) {
  const { Email, EmailClaim, EmailWait } = models

  /** The fact's email in the log, under the fact's id and with its account (its address goes when the account closes). */
  async function record(f: Fact, doc: Omit<EmailDoc, 'at' | '_id' | 'userId'>) {
    const userId = (f.data as { userId?: unknown }).userId
    const entry: EmailDoc = { _id: f.id, ...(typeof userId === 'string' && userId ? { userId } : {}), ...doc, at: new Date() }
    if (await writerOf(Email).insert(Email, entry)) emailsTotal.inc({ status: doc.status })
  }

  type FullTicket = TicketForEmail & Partial<PrintedTicket>
  async function tickets(orderId: string): Promise<FullTicket[]> {
    if (!ordersUrl) return []
    try {
      const answer = await callService<unknown>(ordersUrl, `/internal/orders/${encodeURIComponent(orderId)}/tickets`, { token: await serviceToken() })
      const list = Array.isArray(answer) ? answer : ((answer as { items?: unknown[] })?.items ?? [])
      return list
        .filter((t): t is FullTicket => typeof (t as FullTicket)?.code === 'string')
        .map((t) => ({
          code: t.code,
          qrSvg: typeof t.qrSvg === 'string' ? t.qrSvg : undefined,
          ticketTypeId: t.ticketTypeId,
          ticketTypeName: t.ticketTypeName,
          ...(typeof t.seat === 'string' ? { seat: t.seat } : {}),
          id: t.id,
          attendeeName: t.attendeeName,
          status: t.status,
          checkedInAt: t.checkedInAt,
        }))
    } catch (error) {
      // A definite "no such order": send without codes. Anything else (unreachable, failing, or a
      // refusal such as a service token not accepted during a deploy): try the whole fact again later.
      if (error instanceof AppError && error.status === 404) {
        log.warn({ orderId, status: error.status }, 'orders does not know the tickets of a paid order; emailing without codes')
        return []
      }
      throw error
    }
  }

  /**
   * The tickets' PDF, best effort: the email carries every code and QR code anyway, so a PDF that
   * cannot be made now never holds the email back.
   */
  async function ticketsPdf(orderId: string, event: TicketsPdfInput['event'], list: FullTicket[], language?: Language): Promise<Buffer | undefined> {
    // Refunded before its confirmation went out (a mail server away meanwhile): no printable tickets.
    if (!pdf || !list.length || list.some((t) => t.status === 'refunded')) return undefined
    try {
      const printed = list.map((t, i) => ({ ...t, id: t.id ?? `${orderId}-${i + 1}`, status: t.status ?? 'valid' }))
      return await pdf.render({ orderId, event, tickets: printed, ...(language ? { language } : {}) })
    } catch (error) {
      log.warn({ orderId, err: messageOf(error) }, 'tickets PDF not made; emailing without it')
      return undefined
    }
  }

  /**
   * The order's invoice (a number given now, near the sale, when an issuer is configured) or receipt as
   * orders makes it, best effort: the confirmation never waits for it.
   */
  async function receiptFile(orderId: string): Promise<{ filename: string; content: Buffer } | undefined> {
    if (!ordersUrl) return undefined
    try {
      const file = await callServiceFile(ordersUrl, `/internal/orders/${encodeURIComponent(orderId)}/receipt`, { token: await serviceToken(), timeoutMs: 10_000 })
      return { filename: file.filename ?? `easypass-receipt-${orderId}.pdf`, content: file.bytes }
    } catch (error) {
      log.warn({ orderId, err: messageOf(error) }, 'receipt not attached to the confirmation')
      return undefined
    }
  }

  /**
   * The credit note of a refund (part `part`, 0: the rest of the order) as orders issues it, when the
   * order was invoiced. Unlike the confirmation's invoice it is waited for: a refund email is no race
   * against the door, and a credit note that could not be made now (orders away or busy, many drawn at
   * once as an event is cancelled) makes the fact come again rather than leave the buyer without it.
   */
  async function creditNoteFile(orderId: string, part: number): Promise<{ filename: string; content: Buffer } | undefined> {
    if (!ordersUrl) return undefined
    try {
      const file = await callServiceFile(ordersUrl, `/internal/orders/${encodeURIComponent(orderId)}/credit-notes/${part}`, { token: await serviceToken(), timeoutMs: 10_000 })
      return { filename: file.filename ?? `easypass-credit-note-${orderId}-${part}.pdf`, content: file.bytes }
    } catch (error) {
      // No invoice, no credit note: nothing to attach, nothing to say.
      if (error instanceof AppError && error.status === 404) return undefined
      throw new EmailLater(`the credit note could not be made just now: ${messageOf(error)}`)
    }
  }

  /** The order's status now; orders away or failing makes the fact come again (a 404: no order, nothing to send). */
  async function orderStatus(orderId: string): Promise<string | undefined> {
    if (!ordersUrl) return undefined
    try {
      return (await callService<{ status?: string }>(ordersUrl, `/internal/orders/${encodeURIComponent(orderId)}`, { token: await serviceToken() })).status
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return undefined
      throw error
    }
  }

  type EventDetails = NonNullable<TicketsPdfInput['event']> & { confirmationEmail?: StoredConfirmationTexts; emailReplyTo?: string; questions?: Array<{ id: string; kind: string }> }
  /** The event as catalog has it; throws what catalog answered (404), or that it did not. */
  async function eventOrFail(eventId: string): Promise<EventDetails> {
    if (!catalogUrl) return {}
    const e = await callService<EventDetails>(catalogUrl, `/internal/events/${encodeURIComponent(eventId)}`, { token: await serviceToken(), timeoutMs: 3_000 })
    return {
      title: e.title,
      startsAt: e.startsAt,
      endsAt: e.endsAt,
      ...(typeof e.timeZone === 'string' ? { timeZone: e.timeZone } : {}),
      venue: e.venue,
      organizer: e.organizer,
      ...(e.ticketInfo ? { ticketInfo: e.ticketInfo } : {}),
      ...(e.confirmationEmail && typeof e.confirmationEmail === 'object' ? { confirmationEmail: e.confirmationEmail } : {}),
      ...(typeof e.emailReplyTo === 'string' ? { emailReplyTo: e.emailReplyTo } : {}),
      ...(Array.isArray(e.questions) && e.questions.length ? { questions: e.questions.map((q) => ({ id: q.id, kind: q.kind })) } : {}),
    }
  }

  /**
   * The order's answers to the event's questions, for the confirmation: asked of orders only for an
   * event that has questions, best effort (an email without them beats none).
   */
  async function answersOf(orderId: string, questions: EventDetails['questions'], items: Array<{ name: string; quantity: number; addOn?: boolean }>, language?: Language): Promise<ConfirmationInput['answers']> {
    if (!ordersUrl || !questions?.length) return []
    try {
      const got = await callService<{ answers?: Array<{ questionId: string; label: string; value: string; ticket?: number }> }>(ordersUrl, `/internal/orders/${encodeURIComponent(orderId)}/answers`, { token: await serviceToken() })
      const words = EMAIL_WORDS[languageOf(language)]
      const kindOf = new Map(questions.map((q) => [q.id, q.kind]))
      // The admission tickets by their number (extras not counted), to name the ticket an answer is for.
      const admissions = items.flatMap((i) => (i.addOn ? [] : Array.from({ length: i.quantity }, () => i.name)))
      return (got.answers ?? []).map((a) => ({
        label: a.label,
        value: kindOf.get(a.questionId) === 'yes-no' ? (a.value === 'yes' ? words.yes : a.value === 'no' ? words.no : a.value) : a.value,
        ...(a.ticket ? { ticket: a.ticket, ...(admissions[a.ticket - 1] ? { ticketName: admissions[a.ticket - 1] } : {}) } : {}),
      }))
    } catch (error) {
      log.warn({ orderId, err: String(error) }, 'answers not read for the confirmation; sent without them')
      return []
    }
  }

  /**
   * Where replies to an email about an event go, as catalog has it: kept a minute (a message to 20,000
   * holders asks once). Catalog away: none for the next half minute (emails are not held back for it).
   */
  const replyTos = new Map<string, { until: number; value?: string }>()
  async function replyToOf(f: Fact): Promise<string | undefined> {
    const eventId = (f.data as { eventId?: unknown }).eventId
    if (typeof eventId !== 'string' || !catalogUrl) return undefined
    const known = replyTos.get(eventId)
    if (known && known.until > Date.now()) return known.value
    try {
      const value = (await eventOrFail(eventId)).emailReplyTo
      if (replyTos.size > 1000) replyTos.clear()
      replyTos.set(eventId, { until: Date.now() + 60_000, value })
      return value
    } catch (error) {
      // Not asked again for half a minute: a catalog that is away must not hold up every email by its timeout.
      log.debug({ eventId, err: String(error) }, 'reply-to address unavailable for an email')
      replyTos.set(eventId, { until: Date.now() + 30_000 })
      return undefined
    }
  }
  async function event(eventId: string): Promise<EventDetails> {
    try {
      return await eventOrFail(eventId)
    } catch (error) {
      log.debug({ eventId, err: String(error) }, 'event details unavailable for an email')
      return {}
    }
  }

  async function render(f: Fact): Promise<RenderedEmail | null> {
    // The confirmation, and the same again when the buyer asks for their tickets once more: only while
    // the order is still paid (a refund may have landed while the request waited to be sent).
    if (f.subject === 'orders.order-paid' || f.subject === 'orders.tickets-resent') {
      const d = f.data as Fact<'orders.order-paid'>['data']
      if (f.subject === 'orders.tickets-resent' && (await orderStatus(d.orderId)) !== 'paid') return null
      const all = await tickets(d.orderId)
      // Tickets given back on their own are not sent (the rest of the order stands); a whole order refunded
      // before its confirmation went out keeps them listed as refunded, without a PDF.
      const list = all.some((t) => t.status !== 'refunded') ? all.filter((t) => t.status !== 'refunded') : all
      // Catalog is asked for the event's venue, its end and the organiser's information for ticket holders
      // (and its name or start when the fact lacks them); away, the email goes without them.
      const details = await event(d.eventId)
      const venue = [details.venue?.name, details.venue?.city].filter(Boolean).join(', ')
      const title = d.eventTitle ?? details.title
      const startsAt = d.eventStartsAt ?? details.startsAt
      return renderOrderConfirmation({
        orderId: d.orderId,
        language: d.language,
        eventTitle: title,
        startsAt,
        ...(details.timeZone ? { timeZone: details.timeZone } : {}),
        ...(details.organizer ? { organizer: details.organizer } : {}),
        own: confirmationTextsFor(details.confirmationEmail, languageOf(d.language)),
        ...(venue ? { venue } : {}),
        items: d.items ?? [],
        totalCents: d.totalCents,
        currency: d.currency,
        ...(d.voucher ? { voucher: d.voucher } : {}),
        ...(details.ticketInfo ? { ticketInfo: details.ticketInfo } : {}),
        ...(d.addOnTo ? { addOnTo: d.addOnTo } : {}),
        answers: await answersOf(d.orderId, details.questions, d.items ?? [], d.language),
        // The buyer's tickets in the web app: not for free tickets given to someone or a sale at the door,
        // whose recipients have no session there to find them in.
        ...(publicUrl && !d.complimentaryFor && !d.boxOffice ? { link: `${publicUrl.replace(/\/+$/, '')}/tickets` } : {}),
        tickets: list,
        ticketsPdf: await ticketsPdf(d.orderId, { ...details, title, startsAt }, list, d.language),
        // The first confirmation of a paid order only (not when the tickets are asked for again, nor
        // for free tickets, nor once refunded: a confirmation that went out late).
        ...(f.subject === 'orders.order-paid' && d.totalCents > 0 && !list.some((t) => t.status === 'refunded') ? { receipt: await receiptFile(d.orderId) } : {}),
      })
    }
    if (f.subject === 'orders.tickets-refunded') {
      const d = f.data as Fact<'orders.tickets-refunded'>['data']
      const creditNote = await creditNoteFile(d.orderId, d.part)
      return renderRefundReceipt({ orderId: d.orderId, eventTitle: d.eventTitle, amountCents: d.amountCents, currency: d.currency, reason: d.reason, ticketCount: d.ticketIds.length, ...(d.ticketIds.length ? {} : { moneyOnly: true }), ...(creditNote ? { creditNote } : {}), ...(d.boxOffice ? { atTheDoor: true } : {}), language: d.language })
    }
    if (f.subject === 'orders.order-refunded') {
      const d = f.data as Fact<'orders.order-refunded'>['data']
      const creditNote = await creditNoteFile(d.orderId, 0)
      return renderRefundReceipt({ orderId: d.orderId, eventTitle: d.eventTitle, amountCents: d.amountCents, currency: d.currency, reason: d.reason, ...(creditNote ? { creditNote } : {}), ...(d.boxOffice ? { atTheDoor: true } : {}), language: d.language })
    }
    if (f.subject === 'orders.ticket-transfer-offered') {
      const d = f.data as Fact<'orders.ticket-transfer-offered'>['data']
      // No key to sign the link with, or no address of the site to link to: no email that could not be used.
      if (!serviceSecret || !publicUrl) {
        log.warn({ fact: f.id }, 'a ticket offer is not emailed: PUBLIC_URL (the web app address its link needs) is not set')
        return null
      }
      // An offer past its time is not sent late (the mail server away meanwhile). One taken back since
      // still goes: its link then says so.
      if (Date.parse(d.expiresAt) <= Date.now()) return null
      const fragment = `id=${encodeURIComponent(d.transferId)}&token=${linkToken(serviceSecret, TRANSFER_LINK_PURPOSE, d.transferId)}`
      const link = `${publicUrl.replace(/\/+$/, '')}/transfer#${fragment}`
      // The event's zone, to give its time on the venue's clock (away: in UTC).
      const timeZone = d.eventStartsAt ? (await event(d.eventId)).timeZone : undefined
      return renderTicketOffered({ eventTitle: d.eventTitle, startsAt: d.eventStartsAt, ...(timeZone ? { timeZone } : {}), ticketTypeName: d.ticketTypeName, fromEmail: d.fromEmail, expiresAt: d.expiresAt, link, language: d.language })
    }
    if (f.subject === 'orders.held-ticket-refunded') {
      const d = f.data as Fact<'orders.held-ticket-refunded'>['data']
      return renderHeldTicketRefunded({ eventTitle: d.eventTitle, eventCancelled: d.eventCancelled === true, language: d.language })
    }
    if (f.subject === 'orders.holder-messaged') {
      const d = f.data as Fact<'orders.holder-messaged'>['data']
      const link = publicUrl ? `${publicUrl.replace(/\/+$/, '')}/tickets` : undefined
      return renderEventMessage({ eventTitle: d.eventTitle, organizer: d.organizer, subject: d.subject, body: d.body, ...(link ? { link } : {}), language: d.language })
    }
    if (f.subject === 'notifications.tickets-available') {
      const d = f.data as Fact<'notifications.tickets-available'>['data']
      const link = publicUrl ? `${publicUrl.replace(/\/+$/, '')}/events/${encodeURIComponent(d.eventId)}` : undefined
      return renderTicketsAvailable({ eventTitle: d.eventTitle, available: Number(d.available) || 0, ...(link ? { link } : {}), language: d.language })
    }
    return null
  }

  const addressOf = (f: Fact) => {
    const to = (f.data as { userEmail?: unknown }).userEmail
    return typeof to === 'string' && /^[^@\s]+@[^@\s]+$/.test(to.trim()) ? to.trim() : undefined
  }

  /** Sends the email a fact calls for, once. Throws when the fact should come again (orders unreachable, a refusal for now). */
  async function deliver(f: Fact) {
    if (!Object.hasOwn(SUBJECTS, f.subject)) return
    const to = addressOf(f)
    const subject = SUBJECTS[f.subject as keyof typeof SUBJECTS]
    // Nothing to send: recorded once (a redelivery is a duplicate insert), with no lookup first.
    if (!to) return record(f, { subject, status: 'skipped', error: 'no email address in the fact' })
    // No mail server configured (local runs, load tests): nothing to send, nothing worth a write per fact.
    if (!transport) {
      emailsTotal.inc({ status: 'skipped' })
      return
    }
    if (await Email.exists({ _id: f.id })) return
    // Rendered first (it reads orders and catalog, and changes nothing): orders being away makes the
    // fact come again without using up a claim; only the mail server's refusals count against them.
    const email = await render(f)
    if (!email) return
    const replyTo = await replyToOf(f)
    const claim = await claimSend(f.id)
    if (claim === 'busy') throw new EmailLater('another process is sending this email')
    if (claim === 'sent') return recordSent(f, to, email.subject, '')
    if (claim === 'exhausted') return record(f, { to, subject: email.subject, status: 'failed', error: `still refused after ${MAX_CLAIMS} rounds of attempts` })
    let lastError: unknown
    for (let attempt = 1; attempt <= sendAttempts; attempt++) {
      try {
        const info = await transport.sendMail({ from, to, ...(replyTo ? { replyTo } : {}), subject: email.subject, html: email.html, text: email.text, attachments: email.attachments })
        log.info({ fact: f.id, messageId: info.messageId }, 'email sent')
        // Sent: said on the claim first, so that a record that cannot be written now never sends it again.
        await markSent(claim)
        return recordSent(f, to, email.subject, String(info.messageId ?? ''))
      } catch (error) {
        lastError = error
        log.warn({ fact: f.id, attempt, err: messageOf(error) }, 'email not accepted by the mail server')
        if (permanentRefusal(error)) break
        // It may have gone out (no answer after the data): not sent again now, only on a later claim.
        if (!notDelivered(error)) break
        if (attempt < sendAttempts) await Bun.sleep(500 * 2 ** (attempt - 1))
      }
    }
    if (permanentRefusal(lastError)) return record(f, { to, subject: email.subject, status: 'failed', error: messageOf(lastError).slice(0, 500) })
    if (refusedForNow(lastError) && Date.now() - Date.parse(f.occurredAt) > REFUSED_FOR_NOW_GIVE_UP_MS) {
      await giveBack(claim)
      return record(f, { to, subject: email.subject, status: 'failed', error: `still refused for now after 3 days: ${messageOf(lastError)}`.slice(0, 500) })
    }
    // A server that could not be reached, turned us away, or refused this message for now uses up no
    // claim: an outage or a throttle of any length delays the email and never fails it. Anything else
    // may have delivered it (a timeout after the data was sent), so it counts: resends stay bounded.
    if (notDelivered(lastError)) await giveBack(claim)
    else await release(claim)
    throw new EmailLater(`the mail server did not take the email for now: ${messageOf(lastError)}`)
  }

  /**
   * The claim says the email went out, tried for about a minute (a database away for a moment): while
   * neither this nor the record is written, the claim's lease ending would send the email again.
   */
  async function markSent(claim: string) {
    for (let attempt = 1; ; attempt++) {
      try {
        return void (await EmailClaim.updateOne({ _id: claim }, { $set: { state: 'sent' } }))
      } catch (error) {
        if (attempt >= 12) return log.error({ claim, err: String(error) }, 'email claim not marked sent: it may be sent again after its lease')
        await Bun.sleep(Math.min(10_000, 250 * 2 ** attempt))
      }
    }
  }

  /** The email went out: recorded, retried a few times (a lost record would leave only the claim to say so). */
  async function recordSent(f: Fact, to: string, subject: string, messageId: string) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await record(f, { to, subject, status: 'sent', messageId })
      } catch (error) {
        if (attempt >= 5) throw error
        await Bun.sleep(200 * attempt)
      }
    }
  }

  /** The right to send this fact's email: the first claim not taken; 'busy' while another process holds one; 'sent' when one says so. */
  async function claimSend(factId: string): Promise<string | 'busy' | 'sent' | 'exhausted'> {
    const writer = writerOf(EmailClaim)
    for (let n = 1; n <= MAX_CLAIMS; n++) {
      const _id = `${factId}~${n}`
      if (await writer.insert<EmailClaimDoc>(EmailClaim, { _id, state: 'sending', at: new Date() })) return _id
      const held = await EmailClaim.findById(_id).lean()
      if (held?.state === 'sent') return 'sent'
      if (held?.state === 'sending' && held.at.getTime() > Date.now() - CLAIM_LEASE_MS) return 'busy'
      // Released after a temporary refusal, or its holder died: the next one.
    }
    return 'exhausted'
  }

  /** Nothing reached the server for this message: the claim goes, and the next delivery takes the same one again. */
  async function giveBack(claim: string) {
    await EmailClaim.deleteOne({ _id: claim, state: 'sending' }).catch((err) => log.warn({ claim, err: String(err) }, 'email claim not given back: it lapses'))
  }

  /** Gives the claim up, so that the fact's next delivery can take the next one at once. */
  async function release(claim: string) {
    await EmailClaim.updateOne({ _id: claim }, { $set: { state: 'released' } }).catch((err) => log.warn({ claim, err: String(err) }, 'email claim not released: it lapses'))
  }

  /**
   * The confirmation email of one of the event's orders as a buyer reading `language` would get it, with
   * the organiser's words: the saved ones, or `subject` and `body` not saved yet (blank: ours). A sample
   * order of two tickets; its QR codes are attachments, so it shows none.
   */
  async function previewConfirmation(eventId: string, body: EmailPreviewBody): Promise<EmailPreview> {
    const fields: Array<{ path: string; message: string }> = []
    for (const kind of ['subject', 'body'] as const) {
      const problem = body[kind] === undefined ? undefined : emailTextProblem(body[kind]!, kind)
      if (problem) fields.push({ path: kind, message: problem })
    }
    if (fields.length) throw fail('VALIDATION', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields })
    let details: EventDetails
    try {
      details = await eventOrFail(eventId)
    } catch (error) {
      if (error instanceof AppError && error.status === 404) throw fail('NOT_FOUND', 'event not found')
      throw fail('UNAVAILABLE', 'the catalog did not answer: try again')
    }
    const saved = confirmationTextsFor(details.confirmationEmail, body.language)
    const own = {
      subject: body.subject === undefined ? saved.subject : body.subject.trim() || undefined,
      body: body.body === undefined ? saved.body : body.body.trim() || undefined,
    }
    const w = EMAIL_WORDS[body.language]
    const venue = [details.venue?.name, details.venue?.city].filter(Boolean).join(', ')
    const sample = { ticketTypeId: 'sample', name: w.ticketFallback, quantity: 2, unitPriceCents: 2500 }
    const email = renderOrderConfirmation({
      orderId: SAMPLE_ORDER,
      language: body.language,
      eventTitle: details.title,
      startsAt: details.startsAt,
      ...(details.timeZone ? { timeZone: details.timeZone } : {}),
      ...(venue ? { venue } : {}),
      ...(details.organizer ? { organizer: details.organizer } : {}),
      items: [sample],
      totalCents: sample.quantity * sample.unitPriceCents,
      currency: 'EUR',
      ...(details.ticketInfo ? { ticketInfo: details.ticketInfo } : {}),
      tickets: [1, 2].map((n) => ({ code: `SAMPLE-CODE-${n}`, ticketTypeId: 'sample', ticketTypeName: w.ticketFallback })),
      own,
    })
    return { subject: email.subject, html: email.html, text: email.text }
  }

  /**
   * The consumer's handling of a fact: its email now, or, when the mail server will not take it for now,
   * kept in `email_waits` to be tried again on its own schedule (the fact is then acknowledged). Only a
   * wait that cannot be written leaves the fact to the bus (it comes again).
   */
  async function handle(f: Fact) {
    try {
      await deliver(f)
    } catch (error) {
      if (!(error instanceof EmailLater)) throw error
      await wait(f, error.message, 0)
    }
  }

  /** Kept (or kept again after a try) for the next try, `attempts` tries after the first. */
  async function wait(f: Fact, lastError: string, attempts: number) {
    // Whose email it is, for closing their account: a sale at the door or a gift is under the seller's
    // id but goes to the buyer or guest, whom the seller's closing must not silence.
    const data = f.data as { userId?: unknown; boxOffice?: unknown; complimentaryFor?: unknown }
    const userId = data.boxOffice || data.complimentaryFor ? undefined : data.userId
    const nextAttemptAt = new Date(Date.now() + retryDelayMs(attempts))
    await EmailWait.updateOne(
      { _id: f.id },
      { $set: { nextAttemptAt, lastError: lastError.slice(0, 500), attempts }, $setOnInsert: { fact: f as unknown as Record<string, unknown>, since: new Date(), ...(typeof userId === 'string' && userId ? { userId } : {}) } },
      { upsert: true },
    )
  }

  /** One waiting email tried again: sent or settled (recorded sent, failed or skipped), its wait goes; else it waits longer. */
  async function retryOne(w: EmailWaitDoc) {
    const f = w.fact as unknown as Fact
    try {
      await deliver(f)
      await EmailWait.deleteOne({ _id: w._id })
    } catch (error) {
      log.warn({ fact: w._id, attempts: w.attempts + 1, err: messageOf(error) }, 'a waiting email is still not taken; tried again later')
      await wait(f, messageOf(error), w.attempts + 1)
    }
  }

  /**
   * One pass over the emails waiting whose time has come, the oldest first: batches of `batch`, each
   * tried 8 at a time (as the consumer sends), for as long as full batches come (at most `batches` of
   * them a pass). Two replicas taking one at once send it once (its claim).
   */
  async function retryWaiting(batch = 40, batches = 25): Promise<number> {
    let tried = 0
    for (let round = 0; round < batches; round++) {
      const due = await EmailWait.find({ nextAttemptAt: { $lte: new Date() } })
        .sort({ nextAttemptAt: 1 })
        .limit(batch)
        .lean<EmailWaitDoc[]>()
      for (let i = 0; i < due.length; i += 8) await Promise.all(due.slice(i, i + 8).map(retryOne))
      tried += due.length
      if (due.length < batch) break
    }
    return tried
  }

  return { deliver, handle, retryWaiting, render, previewConfirmation }
}

/** The wait before an email's next try: 10 s, doubling, at most 10 minutes, spread by a fifth either way. */
export function retryDelayMs(attempts: number): number {
  const base = Math.min(600_000, 10_000 * 2 ** Math.min(attempts, 20))
  return Math.round(base * (0.8 + Math.random() * 0.4))
}

/** The order number a preview shows. */
export const SAMPLE_ORDER = '000000000000000000000000'
export type EmailService = ReturnType<typeof emailService>
