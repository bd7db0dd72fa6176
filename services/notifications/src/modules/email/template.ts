// The emails, as small template functions: every value from outside is escaped, QR codes travel as
// inline attachments (`cid:`) rather than markup, and each email has a plain-text twin.
import type { OrderLine } from '@easypass/contracts/facts'
import { escapeHtml, formatDate, formatMoney, plural } from '@easypass/kit'

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
}

const receiptKind = (filename: string) => (filename.startsWith('easypass-invoice-') ? 'invoice' : 'receipt')

export interface RefundInput {
  orderId: string
  /** Only these many tickets of the order were given back (the rest stay valid); absent: the whole order. */
  ticketCount?: number
  eventTitle?: string
  amountCents: number
  currency: string
  reason?: string
  /** The refund's credit note as a PDF (from orders), when the order was invoiced. */
  creditNote?: { filename: string; content: Buffer }
}

export { escapeHtml }

/** Header lines cannot carry line breaks (no header injection through an event title). */
const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, ' ').trim()

function layout(title: string, content: string, why = 'You receive this email because of an order in your EasyPass account.') {
  return `<!doctype html>
<html lang="en">
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
  const event = input.eventTitle?.trim() || 'your event'
  const when = input.startsAt ? formatDate(input.startsAt) : undefined
  const total = formatMoney(input.totalCents, input.currency)
  const ticketCount = input.items.reduce((n, item) => n + item.quantity, 0)
  const subject = oneLine(`Your tickets for ${event}`)
  const typeName = new Map(input.items.map((item) => [item.ticketTypeId, item.name]))
  const info = input.ticketInfo?.trim()
  const tickets = input.tickets.map((ticket, i) => ({
    ...ticket,
    label: `${ticket.ticketTypeName ?? (ticket.ticketTypeId ? typeName.get(ticket.ticketTypeId) : undefined) ?? 'Ticket'}${ticket.seat ? ` · Seat ${ticket.seat}` : ''}`,
    cid: ticket.qrSvg ? `qr-${i + 1}@easypass` : undefined,
  }))

  const itemRows = input.items
    .map(
      (item) =>
        `<tr><td style="padding:6px 0">${escapeHtml(item.quantity)} × ${escapeHtml(item.name)}</td><td align="right" style="padding:6px 0">${escapeHtml(formatMoney(item.unitPriceCents * item.quantity, input.currency))}</td></tr>`,
    )
    .join('\n')
  const discount = input.voucher ? `−${formatMoney(input.voucher.discountCents, input.currency)}` : undefined
  const voucherRow = input.voucher
    ? `<tr><td style="padding:6px 0">Voucher ${escapeHtml(input.voucher.code)}</td><td align="right" style="padding:6px 0">${escapeHtml(discount)}</td></tr>`
    : ''
  const ticketBlocks = tickets
    .map(
      (t) => `<div style="border:1px solid #d0d7de;border-radius:8px;padding:16px;margin:12px 0;text-align:center">
<p style="margin:0 0 8px;font-weight:600">${escapeHtml(t.label)}</p>
${t.cid ? `<img src="cid:${escapeHtml(t.cid)}" width="180" height="180" alt="QR code of ticket ${escapeHtml(t.code)}" style="display:block;margin:0 auto 8px">` : ''}
<p style="margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:16px;letter-spacing:1px">${escapeHtml(t.code)}</p>
</div>`,
    )
    .join('\n')

  const html = layout(
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">${escapeHtml(event)}</h1>
${when ? `<p style="margin:0 0 4px">${escapeHtml(when)}</p>` : ''}
${input.venue ? `<p style="margin:0 0 4px">${escapeHtml(input.venue)}</p>` : ''}
<p style="margin:16px 0">Thank you! Your order is confirmed: ${escapeHtml(plural(ticketCount, 'ticket'))}.</p>
${info ? `<div style="border-left:4px solid #4338ca;padding:8px 12px;margin:0 0 16px;background:#f6f8fa"><p style="margin:0 0 4px;font-weight:600">From the organiser</p><p style="margin:0;white-space:pre-line">${escapeHtml(info)}</p></div>` : ''}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-top:1px solid #d0d7de;border-bottom:1px solid #d0d7de;margin:8px 0 16px">
${itemRows}
${voucherRow}
<tr><td style="padding:8px 0;font-weight:600;border-top:1px solid #d0d7de">Total</td><td align="right" style="padding:8px 0;font-weight:600;border-top:1px solid #d0d7de">${escapeHtml(total)}</td></tr>
</table>
${
  tickets.length
    ? `<h2 style="font-size:18px;margin:16px 0 4px">Your tickets</h2><p style="margin:0;color:#57606a">Show the QR code (or the code under it) at the entrance. Each code lets one person in, once.${input.ticketsPdf ? ' They are attached as a PDF too, to print.' : ''}</p>\n${ticketBlocks}`
    : '<p>Your tickets are waiting in your EasyPass account under your orders.</p>'
}
${input.receipt ? `<p style="margin:16px 0 0">Your ${receiptKind(input.receipt.filename)} is attached.</p>` : ''}
<p style="margin:16px 0 0;font-size:12px;color:#57606a">Order ${escapeHtml(input.orderId)}</p>`,
  )

  const text = [
    `Your tickets for ${event}`,
    when,
    input.venue,
    '',
    `Your order is confirmed: ${plural(ticketCount, 'ticket')}.`,
    ...(info ? ['', 'From the organiser:', info, ''] : []),
    ...input.items.map((item) => `  ${item.quantity} x ${item.name}  ${formatMoney(item.unitPriceCents * item.quantity, input.currency)}`),
    ...(input.voucher ? [`  Voucher ${input.voucher.code}  ${discount}`] : []),
    `  Total  ${total}`,
    '',
    ...(tickets.length
      ? [
          'Your tickets (show the code at the entrance; each lets one person in, once):',
          ...tickets.map((t) => `  ${t.label}: ${t.code}`),
          ...(input.ticketsPdf ? ['They are attached as a PDF too, to print.'] : []),
        ]
      : ['Your tickets are waiting in your EasyPass account under your orders.']),
    ...(input.receipt ? ['', `Your ${receiptKind(input.receipt.filename)} is attached.`] : []),
    '',
    `Order ${input.orderId}`,
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
  const event = input.eventTitle?.trim() || 'your event'
  const amount = formatMoney(input.amountCents, input.currency)
  // Free tickets (complimentary, or free ones) are cancelled: no money, no card to speak of.
  const free = input.amountCents === 0
  const subject = oneLine(free ? `Your tickets for ${event} were cancelled` : `Refund for ${event}: ${amount}`)
  const some = input.ticketCount
  const heading = free
    ? some
      ? `${plural(some, 'ticket')} of your order ${some === 1 ? 'was' : 'were'} cancelled`
      : 'Your tickets were cancelled'
    : some
      ? `${plural(some, 'ticket')} of your order ${some === 1 ? 'was' : 'were'} refunded`
      : 'Your order was refunded'
  const money = free
    ? `Your free tickets for ${event} were cancelled: nothing was paid, so nothing goes back.`
    : `We refunded ${amount} for your order for ${event}. It goes back to the card you paid with`
  const validity = some ? `The refunded ${some === 1 ? 'ticket is' : 'tickets are'} no longer valid; your other tickets of this order stay valid.` : 'The tickets of this order are no longer valid.'
  const html = layout(
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">${escapeHtml(heading)}</h1>
<p style="margin:16px 0">${free ? escapeHtml(money) : `We refunded <strong>${escapeHtml(amount)}</strong> for your order for ${escapeHtml(event)}. It goes back to the card you paid with; banks usually show it within a few days.`}</p>
${input.reason ? `<p style="margin:0 0 16px;color:#57606a">Reason: ${escapeHtml(input.reason)}</p>` : ''}
<p style="margin:0">${escapeHtml(validity)}</p>
${input.creditNote ? '<p style="margin:16px 0 0">The credit note for your invoice is attached.</p>' : ''}
<p style="margin:16px 0 0;font-size:12px;color:#57606a">Order ${escapeHtml(input.orderId)}</p>`,
  )
  const text = [
    heading,
    '',
    free ? money : `${money}.`,
    ...(input.reason ? [`Reason: ${input.reason}`] : []),
    validity,
    ...(input.creditNote ? ['', 'The credit note for your invoice is attached.'] : []),
    '',
    `Order ${input.orderId}`,
  ].join('\n')
  const attachments: EmailAttachment[] = input.creditNote ? [{ filename: input.creditNote.filename, content: input.creditNote.content, contentType: 'application/pdf' }] : []
  return { subject, html, text, attachments }
}

export interface TicketsAvailableInput {
  eventTitle?: string
  available: number
  /** The event's page in the web app, when the public address is known. */
  link?: string
}

export function renderTicketsAvailable(input: TicketsAvailableInput): RenderedEmail {
  const event = input.eventTitle?.trim() || 'the event you waited for'
  const count = input.available > 0 ? `${plural(input.available, 'ticket')} can be bought again` : 'Tickets can be bought again'
  const subject = oneLine(`Tickets are available: ${event}`)
  const html = layout(
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">Tickets are available</h1>
<p style="margin:16px 0">${escapeHtml(count)} for <strong>${escapeHtml(event)}</strong>, and you were next on its waiting list.</p>
<p style="margin:16px 0">First come, first served: they go to whoever buys first.</p>
${input.link ? `<p style="margin:16px 0"><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:10px 18px;background:#4338ca;color:#fff;border-radius:6px;text-decoration:none">Get tickets</a></p>` : ''}
<p style="margin:16px 0 0;font-size:12px;color:#57606a">You are off the waiting list now; join it again on the event's page if these are gone.</p>`,
    "You receive this email because you joined the event's waiting list on EasyPass.",
  )
  const text = [
    'Tickets are available',
    '',
    `${count} for ${event}, and you were next on its waiting list.`,
    'First come, first served: they go to whoever buys first.',
    ...(input.link ? ['', `Get tickets: ${input.link}`] : []),
    '',
    "You are off the waiting list now; join it again on the event's page if these are gone.",
  ].join('\n')
  return { subject, html, text, attachments: [] }
}

export interface TicketOfferedInput {
  eventTitle?: string
  startsAt?: string
  ticketTypeName?: string
  fromEmail?: string
  expiresAt: string
  /** The page that accepts it, with the offer's id and token in its fragment. */
  link: string
}

export function renderTicketOffered(input: TicketOfferedInput): RenderedEmail {
  const event = input.eventTitle?.trim() || 'an event'
  const from = input.fromEmail?.trim() ? `The EasyPass account ${input.fromEmail.trim()}` : 'An EasyPass customer'
  const when = (input.startsAt && formatDate(input.startsAt)) || ''
  const until = formatDate(input.expiresAt) ?? 'the date the sender set'
  const what = `${input.ticketTypeName?.trim() ? `a ${input.ticketTypeName.trim()} ticket` : 'a ticket'} for ${event}`
  // The sender's address is what they signed up with, never verified: the body names it, the subject does not.
  const subject = oneLine(`A ticket was sent to you: ${what}`)
  const html = layout(
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">A ticket for you</h1>
<p style="margin:16px 0">${escapeHtml(from)} sent you ${escapeHtml(what)}${when ? ` (${escapeHtml(when)})` : ''}.</p>
<p style="margin:16px 0"><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:10px 18px;background:#4338ca;color:#fff;border-radius:6px;text-decoration:none">Accept the ticket</a></p>
<p style="margin:16px 0">Accept it by ${escapeHtml(until)}, signed in to your EasyPass account (or a new one). It is then yours, with a code of its own; the sender's copy stops working.</p>
<p style="margin:16px 0 0;font-size:12px;color:#57606a">Did not expect it? Ignore this email: the ticket stays with its sender.</p>`,
    'You receive this email because an EasyPass customer offered you a ticket.',
  )
  const text = [
    'A ticket for you',
    '',
    `${from} sent you ${what}${when ? ` (${when})` : ''}.`,
    '',
    `Accept the ticket: ${input.link}`,
    '',
    `Accept it by ${until}, signed in to your EasyPass account (or a new one). It is then yours, with a code of its own; the sender's copy stops working.`,
    'Did not expect it? Ignore this email: the ticket stays with its sender.',
  ].join('\n')
  return { subject, html, text, attachments: [] }
}

export function renderHeldTicketRefunded(input: { eventTitle?: string; eventCancelled: boolean }): RenderedEmail {
  const event = input.eventTitle?.trim() || 'your event'
  const subject = oneLine(input.eventCancelled ? `${event} was cancelled` : `Your ticket for ${event} is no longer valid`)
  const why = input.eventCancelled ? `${event} was cancelled, and its buyer was refunded.` : `Its order was refunded to its buyer.`
  const html = layout(
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">${escapeHtml(subject)}</h1>
<p style="margin:16px 0">The ticket for ${escapeHtml(event)} that was passed on to you is no longer valid: ${escapeHtml(why)}</p>
<p style="margin:0">If you paid its buyer for it, ask them for your money back: the refund went to the card they paid with.</p>`,
    'You receive this email because a ticket was passed on to your EasyPass account.',
  )
  const text = [subject, '', `The ticket for ${event} that was passed on to you is no longer valid: ${why}`, 'If you paid its buyer for it, ask them for your money back: the refund went to the card they paid with.'].join('\n')
  return { subject, html, text, attachments: [] }
}

/** What the organiser wrote to the holders of an event's tickets, as they wrote it (text only: no markup of theirs is ever sent as HTML). */
export function renderEventMessage(input: { eventTitle?: string; organizer?: string; subject: string; body: string; link?: string }): RenderedEmail {
  const event = input.eventTitle?.trim() || 'your event'
  const from = input.organizer?.trim() || 'The organiser'
  const subject = oneLine(`${input.subject} (${event})`)
  const paragraphs = input.body.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean)
  const html = layout(
    subject,
    `<h1 style="margin:0 0 8px;font-size:22px">${escapeHtml(oneLine(input.subject))}</h1>
<p style="margin:0 0 16px;color:#545a6d">${escapeHtml(from)} wrote to everyone with a ticket for ${escapeHtml(event)}:</p>
${paragraphs.map((p) => `<p style="margin:0 0 12px">${escapeHtml(p).replace(/\r?\n/g, '<br>')}</p>`).join('\n')}
${input.link ? `<p style="margin:16px 0 0"><a href="${escapeHtml(input.link)}">Your tickets</a></p>` : ''}`,
    'You receive this email because you hold a ticket for this event in your EasyPass account.',
  )
  const text = [oneLine(input.subject), '', `${from} wrote to everyone with a ticket for ${event}:`, '', input.body.trim(), ...(input.link ? ['', `Your tickets: ${input.link}`] : [])].join('\n')
  return { subject, html, text, attachments: [] }
}
