// The emails, as small template functions: every value from outside is escaped, QR codes travel as
// inline attachments (`cid:`) rather than markup, and each email has a plain-text twin.
import { fillEmailText } from '@easypass/contracts/event-emails'
import { languageOf, sayReason, type Language } from '@easypass/contracts/languages'
import type { OrderLine } from '@easypass/contracts/facts'
import { escapeHtml, formatDate, formatMoney } from '@easypass/kit'
import { EMAIL_WORDS } from './words'

export interface EmailAttachment {
  filename: string
  content: string | Buffer
  contentType: string
  /** Shown inside the message (a QR code); none: an attachment to open or print (the tickets' PDF). */
  cid?: string
}

export interface RenderedEmail {
  subject: string
  html: string
  text: string
  attachments: EmailAttachment[]
}

export interface TicketForEmail {
  code: string
  qrSvg?: string
  ticketTypeId?: string
  ticketTypeName?: string
  /** Its numbered seat, when it has one. */
  seat?: string
}

export interface ConfirmationInput {
  orderId: string
  eventTitle?: string
  startsAt?: string
  /** The event's time zone: its start is given on the venue's clock (absent: UTC). */
  timeZone?: string
  venue?: string
  items: OrderLine[]
  /** After the voucher's discount. */
  totalCents: number
  currency: string
  voucher?: { code: string; discountCents: number }
  /** The organiser's practical information for ticket holders (doors, what to bring). */
  ticketInfo?: string
  tickets: TicketForEmail[]
  /** The tickets as a PDF (from orders), attached when there. */
  ticketsPdf?: Buffer
  /** The order's invoice or receipt as a PDF (from orders), attached when there. */
  receipt?: { filename: string; content: Buffer }
  /** The language to write in (absent: English). */
  language?: Language
  organizer?: string
  /** The organiser's own subject and opening text in this language (placeholders unfilled), each in place of ours. */
  own?: { subject?: string; body?: string }
  /** The buyer's tickets in the web app (signed in, or as a guest through an emailed link). */
  link?: string
  /** Extras bought later: the paid order they go with. */
  addOnTo?: string
  /** The buyer's answers to the organiser's questions (a yes or no already in words); `ticket`: asked for each ticket. */
  answers?: Array<{ label: string; value: string; ticket?: number; ticketName?: string }>
}

const receiptKind = (filename: string) => (filename.startsWith('easypass-invoice-') ? 'invoice' : 'receipt')

export interface RefundInput {
  orderId: string
  /** Only these many tickets of the order were given back (the rest stay valid); absent: the whole order. */
  ticketCount?: number
  /** Money given back without any ticket (an organiser's goodwill refund): every ticket stays valid. */
  moneyOnly?: boolean
  eventTitle?: string
  amountCents: number
  currency: string
  reason?: string
  /** The refund's credit note as a PDF (from orders), when the order was invoiced. */
  creditNote?: { filename: string; content: Buffer }
  /** Bought at the door: the money is paid back there, not to a card. */
  atTheDoor?: boolean
  /** The language to write in (absent: English). */
  language?: Language
}

export { escapeHtml }

/** Header lines cannot carry line breaks (no header injection through an event title). */
const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, ' ').trim()

function layout(lang: Language, title: string, content: string, why = EMAIL_WORDS[lang].whyOrder) {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:8px;padding:24px">
<tr><td>
<p style="margin:0 0 16px;font-size:14px;color:#57606a">EasyPass</p>
${content}
<p style="margin:24px 0 0;font-size:12px;color:#57606a">${escapeHtml(why)}</p>
</td></tr></table>
</td></tr></table>
</body>
</html>`
}

export function renderOrderConfirmation(input: ConfirmationInput): RenderedEmail {
  const lang = languageOf(input.language)
  const w = EMAIL_WORDS[lang]
  const event = input.eventTitle?.trim() || w.yourEvent
  const when = input.startsAt ? formatDate(input.startsAt, lang, input.timeZone) : undefined
  const total = formatMoney(input.totalCents, input.currency, lang)
  const ticketCount = input.items.reduce((n, item) => n + item.quantity, 0)
  let subject = oneLine(w.ticketsFor(event))
  const typeName = new Map(input.items.map((item) => [item.ticketTypeId, item.name]))
  const info = input.ticketInfo?.trim()
  // The organiser's words, filled for this order; one that comes out blank (only a missing venue) is ours again.
  const values = { event, date: when, venue: input.venue, organizer: input.organizer, order: input.orderId, tickets: String(ticketCount), total }
  const ownSubject = input.own?.subject ? oneLine(fillEmailText(input.own.subject, values)) : ''
  const ownBody = input.own?.body ? fillEmailText(input.own.body, values).trim() : ''
  if (ownSubject) subject = ownSubject
  const tickets = input.tickets.map((ticket, i) => ({
    ...ticket,
    label: `${ticket.ticketTypeName ?? (ticket.ticketTypeId ? typeName.get(ticket.ticketTypeId) : undefined) ?? w.ticketFallback}${ticket.seat ? w.seat(ticket.seat) : ''}`,
    cid: ticket.qrSvg ? `qr-${i + 1}@easypass` : undefined,
  }))

  // "T-shirt size: M", or "Ticket 2 · T-shirt size: M" for a question asked for each ticket.
  const answerLines = (input.answers ?? []).map((a) => `${a.ticket ? `${w.forTicket(a.ticket)}${a.ticketName ? ` (${a.ticketName})` : ''} · ` : ''}${a.label}: ${a.value}`)
  const itemRows = input.items
    .map(
      (item) =>
        `<tr><td style="padding:6px 0">${escapeHtml(item.quantity)} × ${escapeHtml(item.name)}</td><td align="right" style="padding:6px 0">${escapeHtml(formatMoney(item.unitPriceCents * item.quantity, input.currency, lang))}</td></tr>`,
    )
    .join('\n')
  const discount = input.voucher ? `−${formatMoney(input.voucher.discountCents, input.currency, lang)}` : undefined
  const voucherRow = input.voucher
    ? `<tr><td style="padding:6px 0">${escapeHtml(w.voucher(input.voucher.code))}</td><td align="right" style="padding:6px 0">${escapeHtml(discount)}</td></tr>`
    : ''
  const ticketBlocks = tickets
    .map(
      (t) => `<div style="border:1px solid #d0d7de;border-radius:8px;padding:16px;margin:12px 0;text-align:center">
<p style="margin:0 0 8px;font-weight:600">${escapeHtml(t.label)}</p>
${t.cid ? `<img src="cid:${escapeHtml(t.cid)}" width="180" height="180" alt="${escapeHtml(w.qrAlt(t.code))}" style="display:block;margin:0 auto 8px">` : ''}
<p style="margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:16px;letter-spacing:1px">${escapeHtml(t.code)}</p>
</div>`,
    )
    .join('\n')

  const html = layout(
    lang,
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">${escapeHtml(event)}</h1>
${when ? `<p style="margin:0 0 4px">${escapeHtml(when)}</p>` : ''}
${input.venue ? `<p style="margin:0 0 4px">${escapeHtml(input.venue)}</p>` : ''}
${ownBody ? `<p style="margin:16px 0;white-space:pre-line">${escapeHtml(ownBody)}</p>` : `<p style="margin:16px 0">${escapeHtml(w.thanksConfirmed(w.tickets(ticketCount)))}</p>`}
${input.addOnTo ? `<p style="margin:0 0 16px">${escapeHtml(w.extrasFor(input.addOnTo))}</p>` : ''}
${info ? `<div style="border-left:4px solid #4338ca;padding:8px 12px;margin:0 0 16px;background:#f6f8fa"><p style="margin:0 0 4px;font-weight:600">${escapeHtml(w.fromOrganiser)}</p><p style="margin:0;white-space:pre-line">${escapeHtml(info)}</p></div>` : ''}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-top:1px solid #d0d7de;border-bottom:1px solid #d0d7de;margin:8px 0 16px">
${itemRows}
${voucherRow}
<tr><td style="padding:8px 0;font-weight:600;border-top:1px solid #d0d7de">${escapeHtml(w.total)}</td><td align="right" style="padding:8px 0;font-weight:600;border-top:1px solid #d0d7de">${escapeHtml(total)}</td></tr>
</table>
${answerLines.length ? `<h2 style="font-size:18px;margin:16px 0 4px">${escapeHtml(w.yourAnswers)}</h2><ul style="margin:0 0 16px;padding-left:20px">${answerLines.map((line) => `<li style="white-space:pre-line">${escapeHtml(line)}</li>`).join('')}</ul>` : ''}
${
  tickets.length
    ? `<h2 style="font-size:18px;margin:16px 0 4px">${escapeHtml(w.yourTickets)}</h2><p style="margin:0;color:#57606a">${escapeHtml(w.showAtEntrance)}${input.ticketsPdf ? ` ${escapeHtml(w.pdfAttached)}` : ''}</p>\n${ticketBlocks}`
    : `<p>${escapeHtml(w.ticketsInAccount)}</p>`
}
${input.receipt ? `<p style="margin:16px 0 0">${escapeHtml(w.documentAttached(receiptKind(input.receipt.filename)))}</p>` : ''}
${input.link ? `<p style="margin:16px 0 0"><a href="${escapeHtml(input.link)}">${escapeHtml(w.yourTickets)}</a></p>` : ''}
<p style="margin:16px 0 0;font-size:12px;color:#57606a">${escapeHtml(w.order(input.orderId))}</p>`,
  )

  const text = [
    w.ticketsFor(event),
    when,
    input.venue,
    '',
    ownBody || w.confirmed(w.tickets(ticketCount)),
    ...(input.addOnTo ? [w.extrasFor(input.addOnTo)] : []),
    ...(info ? ['', w.fromOrganiserLine, info, ''] : []),
    ...input.items.map((item) => `  ${item.quantity} x ${item.name}  ${formatMoney(item.unitPriceCents * item.quantity, input.currency, lang)}`),
    ...(input.voucher ? [`  ${w.voucher(input.voucher.code)}  ${discount}`] : []),
    `  ${w.total}  ${total}`,
    '',
    ...(answerLines.length ? [w.yourAnswers, ...answerLines.map((line) => `  ${line.replace(/\n/g, '\n    ')}`), ''] : []),
    ...(tickets.length
      ? [
          w.showAtEntranceLine,
          ...tickets.map((t) => `  ${w.labelled(t.label, t.code)}`),
          ...(input.ticketsPdf ? [w.pdfAttached] : []),
        ]
      : [w.ticketsInAccount]),
    ...(input.receipt ? ['', w.documentAttached(receiptKind(input.receipt.filename))] : []),
    ...(input.link ? ['', w.yourTicketsLine(input.link)] : []),
    '',
    w.order(input.orderId),
  ]
    .filter((line) => line !== undefined)
    .join('\n')

  const attachments: EmailAttachment[] = tickets
    .filter((t) => t.cid && t.qrSvg)
    .map((t, i) => ({ filename: `ticket-${i + 1}.svg`, content: t.qrSvg!, contentType: 'image/svg+xml', cid: t.cid! }))
  if (input.ticketsPdf && tickets.length)
    attachments.push({ filename: `easypass-tickets-${input.orderId}.pdf`, content: input.ticketsPdf, contentType: 'application/pdf' })
  if (input.receipt) attachments.push({ filename: input.receipt.filename, content: input.receipt.content, contentType: 'application/pdf' })
  return { subject, html, text, attachments }
}

export function renderRefundReceipt(input: RefundInput): RenderedEmail {
  const lang = languageOf(input.language)
  const w = EMAIL_WORDS[lang]
  const event = input.eventTitle?.trim() || w.yourEvent
  const amount = formatMoney(input.amountCents, input.currency, lang)
  // Free tickets (complimentary, or free ones) are cancelled: no money, no card to speak of.
  const free = input.amountCents === 0
  const subject = oneLine(free ? w.ticketsCancelledSubject(event) : w.refundSubject(event, amount))
  const some = input.ticketCount
  const heading = input.moneyOnly ? w.partRefunded : free ? (some ? w.someCancelled(some) : w.allCancelled) : some ? w.someRefunded(some) : w.allRefunded
  const money = free ? w.freeCancelled(event) : input.atTheDoor ? w.refundedAtTheDoor(amount, event) : w.refunded(amount, event)
  const validity = input.moneyOnly ? w.allStillValid : some ? w.someNoLongerValid(some) : w.allNoLongerValid
  const html = layout(
    lang,
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">${escapeHtml(heading)}</h1>
<p style="margin:16px 0">${
      free
        ? escapeHtml(money)
        : input.atTheDoor
          ? w.refundedAtTheDoor(`<strong>${escapeHtml(amount)}</strong>`, escapeHtml(event))
          : `${w.refunded(`<strong>${escapeHtml(amount)}</strong>`, escapeHtml(event))}${escapeHtml(w.banksDays)}`
    }</p>
${input.reason ? `<p style="margin:0 0 16px;color:#57606a">${escapeHtml(w.reason(sayReason(input.reason, lang)))}</p>` : ''}
<p style="margin:0">${escapeHtml(validity)}</p>
${input.creditNote ? `<p style="margin:16px 0 0">${escapeHtml(w.creditNoteAttached)}</p>` : ''}
<p style="margin:16px 0 0;font-size:12px;color:#57606a">${escapeHtml(w.order(input.orderId))}</p>`,
  )
  const text = [
    heading,
    '',
    free || input.atTheDoor ? money : `${money}.`,
    ...(input.reason ? [w.reason(sayReason(input.reason, lang))] : []),
    validity,
    ...(input.creditNote ? ['', w.creditNoteAttached] : []),
    '',
    w.order(input.orderId),
  ].join('\n')
  const attachments: EmailAttachment[] = input.creditNote ? [{ filename: input.creditNote.filename, content: input.creditNote.content, contentType: 'application/pdf' }] : []
  return { subject, html, text, attachments }
}

export interface TicketsAvailableInput {
  eventTitle?: string
  available: number
  /** The event's page in the web app, when the public address is known. */
  link?: string
  /** The language to write in (absent: English). */
  language?: Language
}

export function renderTicketsAvailable(input: TicketsAvailableInput): RenderedEmail {
  const lang = languageOf(input.language)
  const w = EMAIL_WORDS[lang]
  const event = input.eventTitle?.trim() || w.eventWaitedFor
  const subject = oneLine(w.availableSubject(event))
  const html = layout(
    lang,
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">${escapeHtml(w.availableHeading)}</h1>
<p style="margin:16px 0">${w.availableLine(input.available, `<strong>${escapeHtml(event)}</strong>`)}</p>
<p style="margin:16px 0">${escapeHtml(w.firstCome)}</p>
${input.link ? `<p style="margin:16px 0"><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:10px 18px;background:#4338ca;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(w.getTickets)}</a></p>` : ''}
<p style="margin:16px 0 0;font-size:12px;color:#57606a">${w.offWaitlist}</p>`,
    w.whyWaitlist,
  )
  const text = [
    w.availableHeading,
    '',
    w.availableLine(input.available, event),
    w.firstCome,
    ...(input.link ? ['', w.getTicketsLine(input.link)] : []),
    '',
    w.offWaitlist,
  ].join('\n')
  return { subject, html, text, attachments: [] }
}

export interface TicketOfferedInput {
  eventTitle?: string
  startsAt?: string
  /** The event's time zone (absent: UTC). */
  timeZone?: string
  ticketTypeName?: string
  fromEmail?: string
  expiresAt: string
  /** The page that accepts it, with the offer's id and token in its fragment. */
  link: string
  /** The language to write in (absent: English). */
  language?: Language
}

export function renderTicketOffered(input: TicketOfferedInput): RenderedEmail {
  const lang = languageOf(input.language)
  const w = EMAIL_WORDS[lang]
  const event = input.eventTitle?.trim() || w.anEvent
  const from = input.fromEmail?.trim() ? w.fromAccount(input.fromEmail.trim()) : w.aCustomer
  const when = (input.startsAt && formatDate(input.startsAt, lang, input.timeZone)) || ''
  const until = formatDate(input.expiresAt, lang) ?? w.untilFallback
  const what = w.offeredWhat(input.ticketTypeName?.trim() || undefined, event)
  // The sender's address is what they signed up with, never verified: the body names it, the subject does not.
  const subject = oneLine(w.offeredSubject(what))
  const html = layout(
    lang,
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">${escapeHtml(w.offeredHeading)}</h1>
<p style="margin:16px 0">${w.sentYou(escapeHtml(from), escapeHtml(what), when && escapeHtml(when))}</p>
<p style="margin:16px 0"><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:10px 18px;background:#4338ca;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(w.acceptTicket)}</a></p>
<p style="margin:16px 0">${w.acceptBy(escapeHtml(until))}</p>
<p style="margin:16px 0 0;font-size:12px;color:#57606a">${w.notExpected}</p>`,
    w.whyOffered,
  )
  const text = [
    w.offeredHeading,
    '',
    w.sentYou(from, what, when),
    '',
    w.acceptTicketLine(input.link),
    '',
    w.acceptBy(until),
    w.notExpected,
  ].join('\n')
  return { subject, html, text, attachments: [] }
}

export function renderHeldTicketRefunded(input: { eventTitle?: string; eventCancelled: boolean; language?: Language }): RenderedEmail {
  const lang = languageOf(input.language)
  const w = EMAIL_WORDS[lang]
  const event = input.eventTitle?.trim() || w.yourEvent
  const subject = oneLine(input.eventCancelled ? w.eventCancelled(event) : w.ticketNoLongerValid(event))
  const why = input.eventCancelled ? w.cancelledBuyerRefunded(event) : w.orderRefundedToBuyer
  const html = layout(
    lang,
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">${escapeHtml(subject)}</h1>
<p style="margin:16px 0">${w.passedOnNoLongerValid(escapeHtml(event), escapeHtml(why))}</p>
<p style="margin:0">${w.askBuyer}</p>`,
    w.whyPassedOn,
  )
  const text = [subject, '', w.passedOnNoLongerValid(event, why), w.askBuyer].join('\n')
  return { subject, html, text, attachments: [] }
}

/** What the organiser wrote to the holders of an event's tickets, as they wrote it (text only: no markup of theirs is ever sent as HTML). */
export function renderEventMessage(input: { eventTitle?: string; organizer?: string; subject: string; body: string; link?: string; language?: Language }): RenderedEmail {
  const lang = languageOf(input.language)
  const w = EMAIL_WORDS[lang]
  const event = input.eventTitle?.trim() || w.yourEvent
  const from = input.organizer?.trim() || w.theOrganiser
  const subject = oneLine(`${input.subject} (${event})`)
  const paragraphs = input.body.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean)
  const html = layout(
    lang,
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">${escapeHtml(oneLine(input.subject))}</h1>
<p style="margin:0 0 16px;color:#545a6d">${w.wroteToHolders(escapeHtml(from), escapeHtml(event))}</p>
${paragraphs.map((p) => `<p style="margin:0 0 12px">${escapeHtml(p).replace(/\r?\n/g, '<br>')}</p>`).join('\n')}
${input.link ? `<p style="margin:16px 0 0"><a href="${escapeHtml(input.link)}">${escapeHtml(w.yourTickets)}</a></p>` : ''}`,
    w.whyHolder,
  )
  const text = [oneLine(input.subject), '', w.wroteToHolders(from, event), '', input.body.trim(), ...(input.link ? ['', w.yourTicketsLine(input.link)] : [])].join('\n')
  return { subject, html, text, attachments: [] }
}
