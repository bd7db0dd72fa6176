import { useEffect, useRef, useState } from 'preact/hooks'
import { api, apiAnswer, ApiError, withKey } from '../lib/api'
import { orderChanged } from '../lib/changes'
import { useDownload } from '../lib/download'
import { clock, endReason, money, moneyOff, parseMoney, when, withSeat, zoneOf } from '../lib/format'
import { settle } from '../lib/follow'
import { useAsync, useNow, useTitle, type Async } from '../lib/hooks'
import { t as translate, useT } from '../lib/i18n'
import { getEvent } from '../lib/live'
import { Link } from '../lib/router'
import { getSession } from '../lib/session'
import type { EventItem, List, Order, Ticket, TicketTransfer } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { TicketQr } from '../components/qr'
import { Alert, Empty, Loading, Notice, PageTitle, StatusBadge } from '../components/ui'
import { InvoiceFiles } from './invoice'
import { OrderAnswersSection } from '../components/questions'
import { ticketsText } from '../i18n/tickets'
import { AddExtras, LaterExtrasList, takesExtras } from './later-extras'

function ticketCount(order: Order) {
  return order.items.reduce((n, i) => n + i.quantity, 0)
}

const isAdmin = () => getSession()?.user.role === 'admin'

/**
 * The buyer may refund a paid order until the event starts, while none of its tickets was used at the
 * door or passed on to someone else (the server refuses then) and unless the event was cancelled (every
 * order is refunded anyway). An admin may at any time (after the start too, with tickets used).
 */
function refundable(order: Order, event: EventItem | undefined, tickets: Ticket[] | undefined, now: number) {
  if (order.status === 'paid' && isAdmin()) return !!event && event.status !== 'cancelled'
  return ticketsRefundable(order, event, now) && !!tickets && !tickets.some((t) => t.status === 'checked_in' || t.status === 'transferred')
}

/** Single valid tickets can go back by the same rules, whatever became of the order's other tickets (an admin's: at any time). */
const ticketsRefundable = (order: Order, event: EventItem | undefined, now: number) =>
  order.status === 'paid' && !!event && event.status !== 'cancelled' && (isAdmin() || (Date.parse(event.startsAt) > now && !order.boxOffice))

export async function refundOrder(listed: Order, who: 'buyer' | 'admin', refundedBefore = 0): Promise<Order | undefined> {
  const m = translate(ticketsText)
  // The order as it is now, with what its refunds gave back so far (lists do not carry it): the dialog says the exact rest.
  const order = await api<Order>(`/orders/${listed.id}`).catch(() => listed)
  const n = ticketCount(order) - refundedBefore
  // Some money was given back before: the rest of it, not the total, goes back now (exactly, when the
  // order says how much went back).
  const amount = order.refundedCents
    ? money(Math.max(0, order.totalCents - order.refundedCents), order.currency)
    : refundedBefore
      ? m.amountLeft(money(order.totalCents, order.currency))
      : money(order.totalCents, order.currency)
  const ok = await confirmDialog({
    title: m.refundOrderTitle,
    message: order.boxOffice ? m.refundOrderDoor(amount, n) : who === 'buyer' ? m.refundOrderBuyer(amount, n) : m.refundOrderAdmin(amount, n),
    confirmLabel: m.refund,
    cancelLabel: m.keepOrder,
    danger: true,
  })
  if (!ok) return undefined
  const body = { reason: who === 'buyer' ? 'requested by the buyer' : 'refunded by an admin' }
  // A 202 is recorded but not carried out yet: the server finishes it, and a retry under the same key finishes it too.
  const answer = await withKey(
    `refund:${order.id}`,
    (idempotencyKey) => apiAnswer<Order>(`/orders/${order.id}/refund`, { body, idempotencyKey }),
    (a) => a.status !== 202,
  )
  orderChanged(order.id)
  if (answer.status === 200 && answer.body.status === 'refunded') toast(order.boxOffice ? m.orderRefundedDoor(amount) : m.orderRefunded(amount), 'success')
  else toast(m.orderRefundRequested(amount), 'info')
  return answer.body
}

/**
 * A refund refused because the order changed meanwhile (409: refunded elsewhere, or money given back
 * by another admin): the order as it is now, so the page and the next decision see it.
 */
async function showIfChanged(error: unknown, orderId: string, show: (order: Order) => void) {
  if (!(error instanceof ApiError) || error.status !== 409) return
  const current = await api<Order>(`/orders/${orderId}`).catch(() => undefined)
  if (current) show(current)
}

/** One ticket of a paid order given back; the rest of the order stays paid and valid. */
async function refundTicket(order: Order, ticket: Ticket, label: string): Promise<Order | undefined> {
  const m = translate(ticketsText)
  const ok = await confirmDialog({
    title: m.refundTicketTitle(label),
    message: order.refundedCents ? m.refundTicketShare(!!order.boxOffice) : order.boxOffice ? m.refundTicketDoor : m.refundTicketMessage,
    confirmLabel: m.refundTicketConfirm,
    cancelLabel: m.keepIt,
    danger: true,
  })
  if (!ok) return undefined
  const body = { ticketIds: [ticket.id], reason: getSession()?.user.id === order.userId ? 'requested by the buyer' : 'refunded by an admin' }
  const answer = await withKey(
    `refund:${order.id}:${ticket.id}`,
    (idempotencyKey) => apiAnswer<Order>(`/orders/${order.id}/refund`, { body, idempotencyKey }),
    (a) => a.status !== 202,
  )
  orderChanged(order.id)
  // What this ticket gave back, exactly, when the order says what went back before and after.
  const given = answer.status === 200 && answer.body.status === 'paid' && answer.body.refundedCents ? answer.body.refundedCents - (order.refundedCents ?? 0) : undefined
  toast(
    answer.status !== 200 ? m.ticketRefundRequested : given !== undefined ? m.ticketRefundedAmount(money(given, order.currency), !!order.boxOffice) : order.boxOffice ? m.ticketRefundedDoor : m.ticketRefunded,
    answer.status === 200 ? 'success' : 'info',
  )
  return answer.body
}

function TicketList({ order, tickets, canRefund, onRefunded }: { order: Order; tickets: Async<Ticket[] | undefined>; canRefund?: boolean; onRefunded?: (order: Order) => void }) {
  const m = useT(ticketsText)
  const [error, setError] = useState<unknown>()
  if (tickets.error) return <Alert error={tickets.error} onRetry={tickets.reload} />
  if (!tickets.data) return <Loading label={m.loadingTickets} />
  const list = tickets.data
  if (!list.length) return <p class="muted">{m.noTicketsIssued}</p>
  const name = (t: Ticket) => withSeat(t.ticketTypeName ?? order.items.find((i) => i.ticketTypeId === t.ticketTypeId)?.name ?? m.ticket, t)
  const replace = (changed: Ticket) => tickets.setData((all) => (all ?? []).map((x) => (x.id === changed.id ? changed : x)))
  // Only its buyer passes a ticket on (an admin looking at the order names tickets, and refunds).
  const ownOrder = getSession()?.user.id === order.userId
  // A valid ticket can go back on its own while the order stands for others too (else: the order's refund).
  const standing = list.filter((t) => t.status !== 'refunded').length
  const giveBack = async (t: Ticket) => {
    setError(undefined)
    try {
      const after = await refundTicket(order, t, name(t))
      if (!after) return
      onRefunded?.(after)
      tickets.reload()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <>
    <Alert error={error} />
    <ul class="tickets" aria-label={m.tickets}>
      {list.map((t) => (
        <li key={t.id}>
          <TicketQr ticket={t} label={name(t)}>
            {t.status === 'transferred' && <p class="muted small">{m.passedOn(t.transferredAt ? when(t.transferredAt) : undefined)}</p>}
            {t.status === 'valid' && (
              <>
                <AttendeeName path={`/orders/${order.id}/tickets/${t.id}`} ticket={t} onSaved={replace} />
                {ownOrder && <PassOn ticket={t} onChanged={replace} />}
                {ownOrder && t.walletPass && <OneTicketFile ticket={t} kind="wallet" />}
                {ownOrder && t.googleWallet && <GoogleWalletLink ticket={t} />}
                {canRefund && standing > 1 && (
                  <button type="button" class="link-button" onClick={() => void giveBack(t)}>
                    {m.refundThisTicket}
                  </button>
                )}
              </>
            )}
          </TicketQr>
        </li>
      ))}
    </ul>
    </>
  )
}

/**
 * Passing the ticket on: its holder names an email address, which gets a link to accept it. Until it is
 * accepted the ticket stays theirs (and valid); the offer can be taken back.
 */
function PassOn({ ticket, onChanged }: { ticket: Ticket; onChanged: (t: Ticket) => void }) {
  const m = useT(ticketsText)
  const [open, setOpen] = useState(false)
  const [email, setEmail] = useState('')
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (open) input.current?.focus()
  }, [open])
  const offer = ticket.transferOffer
  const takeBack = async () => {
    setError(undefined)
    setBusy(true)
    try {
      await api(`/tickets/${ticket.id}/transfer`, { method: 'DELETE' })
      onChanged({ ...ticket, transferOffer: undefined })
      toast(m.offerTakenBack, 'success')
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const send = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    setBusy(true)
    try {
      const sent = await api<TicketTransfer>(`/tickets/${ticket.id}/transfer`, { body: { email: email.trim() } })
      onChanged({ ...ticket, transferOffer: { id: sent.id, toEmail: sent.toEmail ?? email.trim(), expiresAt: sent.expiresAt } })
      setOpen(false)
      setEmail('')
      toast(m.linkSent(sent.toEmail ?? email.trim()), 'success')
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  if (offer)
    return (
      <div class="ticket-offer">
        <p class="small">{m.offered(<strong>{offer.toEmail}</strong>, when(offer.expiresAt))}</p>
        <button type="button" class="link-button" onClick={takeBack} disabled={busy}>
          {busy ? m.takingBack : m.takeBack}
        </button>
        <Alert error={error} />
      </div>
    )
  if (!open)
    return (
      <button type="button" class="link-button" onClick={() => (setError(undefined), setOpen(true))}>
        {m.passOn}
      </button>
    )
  const id = `pass-on-${ticket.id}`
  return (
    <form class="ticket-name-form" onSubmit={send} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <label for={id}>{m.theirEmail}</label>
      <input id={id} ref={input} type="email" required value={email} maxLength={254} autoComplete="off" onInput={(e) => setEmail(e.currentTarget.value)} />
      <p class="muted small">{m.passOnHelp}</p>
      <Alert error={error} />
      <span class="actions">
        <button type="submit" class="button button-small" disabled={busy}>
          {busy ? m.sending : m.sendTicket}
        </button>
        <button type="button" class="button button-small button-secondary" onClick={() => setOpen(false)}>
          {m.cancel}
        </button>
      </span>
    </form>
  )
}

/** Who will use the ticket: the door sees this name when it is scanned. Editable until it is checked in. */
function AttendeeName({ path, ticket, onSaved }: { path: string; ticket: Ticket; onSaved: (t: Ticket) => void }) {
  const m = useT(ticketsText)
  const [editing, setEditing] = useState(false)
  const [value, setValue] = useState(ticket.attendeeName ?? '')
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const toggle = useRef<HTMLButtonElement>(null)
  const input = useRef<HTMLInputElement>(null)
  // Focus follows what the user did: into the field when it opens, back to its button when it closes.
  // Not state: whether focus goes back changes nothing on screen.
  const returnFocus = useRef(false)
  useEffect(() => {
    if (editing) input.current?.focus()
    else if (returnFocus.current) toggle.current?.focus()
  }, [editing])
  const close = () => {
    returnFocus.current = true
    setEditing(false)
  }
  const id = `attendee-${ticket.id}`
  if (!editing)
    return (
      <button type="button" ref={toggle} class="link-button ticket-name-button" onClick={() => (setValue(ticket.attendeeName ?? ''), setError(undefined), setEditing(true))}>
        {ticket.attendeeName ? m.changeName : m.addName}
      </button>
    )
  const save = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    setBusy(true)
    try {
      const saved = await api<Ticket>(path, { method: 'PATCH', body: { attendeeName: value.trim() } })
      onSaved({ ...ticket, ...saved })
      close()
      toast(saved.attendeeName ? m.namedFor(saved.attendeeName) : m.nameRemoved, 'success')
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="ticket-name-form" onSubmit={save} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <label for={id}>{m.nameOnTicket}</label>
      <input id={id} ref={input} value={value} maxLength={100} autoComplete="name" onInput={(e) => setValue(e.currentTarget.value)} />
      <Alert error={error} />
      <span class="actions">
        <button type="submit" class="button button-small" disabled={busy}>
          {busy ? m.saving : m.save}
        </button>
        <button type="button" class="button button-small button-secondary" onClick={close}>
          {m.cancel}
        </button>
      </span>
    </form>
  )
}

function OrderCard({ order: initial, headingLevel = 2, onChange }: { order: Order; headingLevel?: 2 | 3; onChange?: (order: Order) => void }) {
  const m = useT(ticketsText)
  const [order, setOwn] = useState(initial)
  // A page built around the order (its files, extras, answers) follows what happened to it here: a refund.
  const setOrder = (next: Order) => {
    setOwn(next)
    onChange?.(next)
  }
  const event = useAsync(() => getEvent(order.eventId), [order.eventId])
  const issued = order.status === 'paid' || order.status === 'refunded'
  const tickets = useAsync((signal) => (issued ? api<Ticket[]>(`/orders/${order.id}/tickets`, { signal }) : Promise.resolve(undefined)), [order.id, order.status])
  // Every second only while a hold counts down; otherwise the moment the event starts ends refunds.
  const now = useNow(order.status === 'reserved' ? 1000 : 60_000, event.data ? [Date.parse(event.data.startsAt)] : [])
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const H = headingLevel === 2 ? 'h2' : 'h3'
  const left = order.expiresAt ? Date.parse(order.expiresAt) - now : 0
  // The list was loaded again: its copy is the newer one.
  useEffect(() => setOwn(initial), [initial])
  // Pending (answered 202): followed until it is final, as checkout does.
  const pending = order.status === 'pending'
  useEffect(() => {
    if (!pending) return
    const following = new AbortController()
    settle(order.id, following.signal).then((final) => final && setOrder(final), () => {})
    return () => following.abort()
  }, [order.id, pending])

  const refund = async () => {
    setError(undefined)
    setBusy(true)
    try {
      const refunded = await refundOrder(order, getSession()?.user.id === order.userId ? 'buyer' : 'admin', tickets.data?.filter((t) => t.status === 'refunded').length ?? 0)
      if (refunded) setOrder(refunded)
    } catch (err) {
      setError(err)
      await showIfChanged(err, order.id, setOrder)
    } finally {
      setBusy(false)
    }
  }

  return (
    <article class="card order" aria-labelledby={`order-${order.id}`} data-order={order.id} data-status={order.status}>
      <header class="order-head">
        <div>
          <H id={`order-${order.id}`} class="order-title">
            {event.data ? <Link href={`/events/${order.eventId}`}>{event.data.title}</Link> : event.error ? m.event : m.loadingEvent}
          </H>
          {event.data && (
            <p class="muted">
              <time dateTime={event.data.startsAt}>{when(event.data.startsAt, zoneOf(event.data))}</time> · {event.data.venue.name}, {event.data.venue.city}
              {order.status === 'paid' && event.data.status !== 'cancelled' && (
                <>
                  {' · '}
                  <button type="button" class="link-button" onClick={() => void import('../lib/calendar').then((calendar) => calendar.downloadIcs(event.data!))}>
                    {m.addToCalendar}
                  </button>
                </>
              )}
            </p>
          )}
        </div>
        <StatusBadge status={order.status} />
      </header>
      <p>
        {order.items.map((i) => `${i.quantity} × ${i.name}${i.seats?.length ? ` (${i.seats.join(', ')})` : ''}`).join(', ')} ·{' '}
        {order.voucher && m.voucher(order.voucher.code, moneyOff(order.voucher.discountCents, order.currency))}
        <strong>{money(order.totalCents, order.currency)}</strong>
      </p>
      {order.complimentary && (
        <p class="muted small">
          {m.complimentary(order.complimentary.name ? `${order.complimentary.name} (${order.complimentary.email})` : order.complimentary.email)}
        </p>
      )}
      {order.boxOffice && <p class="muted small">{m.soldAtTheDoor(order.boxOffice.paidWith === 'cash')}</p>}
      {order.addOnTo && <p class="muted small">{m.extrasFor(<Link href={`/orders/${order.addOnTo}`}>{m.theFirstOrder}</Link>)}</p>}
      {order.status === 'paid' && !!order.refundedCents && <p class="muted small">{m.refundedSoFar(money(order.refundedCents, order.currency))}</p>}
      {endReason(order) && <p class="muted small">{endReason(order)}</p>}
      {order.status === 'paid' && event.data?.ticketInfo && (
        <div class="ticket-info">
          <h3 class="ticket-info-title">{m.fromOrganiser}</h3>
          <p>{event.data.ticketInfo}</p>
        </div>
      )}
      {order.status === 'reserved' && left <= 0 && <p class="muted">{m.holdRanOut}</p>}
      {order.status === 'reserved' && left > 0 && (
        <p class="actions">
          <Link class="button" href={`/checkout/${order.id}`}>
            {m.completePayment}
          </Link>
          <span class="muted">{m.heldFor(clock(left))}</span>
        </p>
      )}
      {issued && <TicketList order={order} tickets={tickets} canRefund={ticketsRefundable(order, event.data, now)} onRefunded={setOrder} />}
      {order.status === 'paid' && <EmailTickets order={order} />}
      {order.status === 'paid' && isAdmin() && order.totalCents - (order.refundedCents ?? 0) > 1 && <GiveBackAmount order={order} onRefunded={setOrder} />}
      <Alert error={error} />
      {refundable(order, event.data, tickets.data, now) && (
        <p class="actions">
          <button type="button" class="button button-secondary" onClick={refund} disabled={busy}>
            {busy ? m.refunding : m.refundThisOrder}
          </button>
          <span class="muted small">{m.refundsUntilStart}</span>
        </p>
      )}
    </article>
  )
}

/** How long after its last try a refund of an amount whose answer was lost is sent again under the same key. */
const AMOUNT_KEY_OPEN_MS = 10 * 60_000

/**
 * An admin gives back some of an order's money and no ticket (a late start, a missing seat view):
 * folded until asked for, up to what is left, confirmed before it moves money.
 */
function GiveBackAmount({ order, onRefunded }: { order: Order; onRefunded: (order: Order) => void }) {
  const m = useT(ticketsText)
  const [open, setOpen] = useState(false)
  const [amount, setAmount] = useState('')
  const [reason, setReason] = useState('')
  const [invalid, setInvalid] = useState<string>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const field = useRef<HTMLInputElement>(null)
  const id = `give-back-${order.id}`
  // All that is left is the order's refund: an amount is less.
  const mostCents = order.totalCents - (order.refundedCents ?? 0) - 1
  const most = money(mostCents, order.currency)
  useEffect(() => {
    if (open) field.current?.focus()
  }, [open])
  if (!open)
    return (
      <p>
        <button type="button" class="link-button" onClick={() => setOpen(true)}>
          {m.giveBackAmount}
        </button>
      </p>
    )
  const submit = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    const cents = parseMoney(amount, order.currency)
    if (!cents || cents > mostCents) {
      setInvalid(m.enterAmount(most))
      field.current?.focus()
      return
    }
    setInvalid(undefined)
    const shown = money(cents, order.currency)
    if (!(await confirmDialog({ title: m.giveBackTitle(shown), message: m.giveBackMessage(shown, !!order.boxOffice), confirmLabel: m.refund, cancelLabel: m.cancel, danger: true }))) return
    setBusy(true)
    try {
      // What this page showed as refunded so far: a refund another admin made meanwhile stops this one (409).
      const body = { amountCents: cents, expectedRefundedCents: order.refundedCents ?? 0, ...(reason.trim() ? { reason: reason.trim() } : {}) }
      // A retry after a lost answer carries the same key: the money goes back once. The same amount
      // asked for again much later is a new refund.
      const answer = await withKey(`refund:${order.id}:amount:${JSON.stringify(body)}`, (idempotencyKey) => apiAnswer<Order>(`/orders/${order.id}/refund`, { body, idempotencyKey }), (a) => a.status !== 202, AMOUNT_KEY_OPEN_MS)
      orderChanged(order.id)
      toast(answer.status === 200 ? m.amountGivenBack(shown) : m.amountRequested(shown), answer.status === 200 ? 'success' : 'info')
      onRefunded(answer.body)
      setOpen(false)
      setAmount('')
      setReason('')
    } catch (err) {
      setError(err)
      await showIfChanged(err, order.id, onRefunded)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="give-back" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{m.giveBackAmount}</h3>
      <p class="muted small" id={`${id}-hint`}>
        {m.giveBackHint(most)}
      </p>
      <label for={`${id}-amount`}>{m.amountLabel}</label>
      <input
        id={`${id}-amount`}
        ref={field}
        inputMode="decimal"
        value={amount}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={invalid ? `${id}-hint ${id}-error` : `${id}-hint`}
        onInput={(e) => setAmount(e.currentTarget.value)}
      />
      {invalid && (
        <p class="field-error" id={`${id}-error`}>
          {invalid}
        </p>
      )}
      <label for={`${id}-reason`}>{m.reasonLabel}</label>
      <input id={`${id}-reason`} value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
      <Alert error={error} />
      <p class="actions">
        <button type="submit" class="button button-small button-danger" disabled={busy}>
          {busy ? m.refunding : m.giveBackAmount}
        </button>
        <button type="button" class="button button-small button-secondary" onClick={() => setOpen(false)}>
          {m.cancel}
        </button>
      </p>
    </form>
  )
}

/** The confirmation email with the tickets, once more (a lost email, a new phone). */
function EmailTickets({ order }: { order: Order }) {
  const m = useT(ticketsText)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const send = async () => {
    setError(undefined)
    setBusy(true)
    try {
      const sent = await api<{ message: string }>(`/orders/${order.id}/tickets/email`, { method: 'POST' })
      toast(sent.message, 'success')
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="email-tickets">
      <button type="button" class="link-button" onClick={send} disabled={busy}>
        {busy ? m.sending : m.emailAgain}
      </button>
      <Alert error={error} />
    </div>
  )
}

export function OrderPage({ id, query }: { id: string; query: URLSearchParams }) {
  const m = useT(ticketsText)
  const confirmed = query.get('confirmed') === '1'
  const order = useAsync((signal) => api<Order>(`/orders/${id}`, { signal }), [id])
  // A free order was confirmed, not paid.
  const done = order.data?.totalCents === 0 ? m.orderConfirmed : m.paymentConfirmed
  useTitle(confirmed ? done : m.order)
  return (
    <section class="container page">
      <PageTitle>{confirmed && order.data?.status === 'paid' ? done : m.yourOrder}</PageTitle>
      {confirmed && order.data?.status === 'paid' && (
        <Notice tone="success">
          <p>{m.thankYou(<Link href="/tickets">{m.myTickets}</Link>)}</p>
        </Notice>
      )}
      {order.error ? <Alert error={order.error} onRetry={order.reload} /> : null}
      {!order.data && !order.error && <Loading label={m.loadingOrder} />}
      {order.data && <OrderCard order={order.data} onChange={order.setData} />}
      {order.data?.status === 'paid' && <TicketFiles order={order.data} />}
      {order.data && !order.data.addOnTo && (order.data.status === 'paid' || order.data.status === 'refunded') && <LaterExtrasList order={order.data} />}
      {order.data && takesExtras(order.data) && <AddExtras order={order.data} />}
      {order.data?.status === 'paid' && !order.data.addOnTo && <OrderAnswersSection order={order.data} />}
      {(order.data?.status === 'paid' || order.data?.status === 'refunded') && <InvoiceFiles order={order.data} />}
    </section>
  )
}

/** The tickets for the door: a PDF from the server (a page each), or this page printed (the print stylesheet keeps the codes). */
function TicketFiles({ order }: { order: Order }) {
  const m = useT(ticketsText)
  const { save, busy, error } = useDownload(`/orders/${order.id}/tickets/pdf`, `easypass-tickets-${order.id}.pdf`)
  return (
    <div class="ticket-files">
      <p class="actions">
        <button type="button" class="button button-secondary" onClick={save} disabled={busy}>
          {busy ? m.preparingPdf : m.downloadTickets}
        </button>
        <button type="button" class="link-button" onClick={() => window.print()}>
          {m.printPage}
        </button>
      </p>
      <Alert error={error} />
    </div>
  )
}

/** Paper (or a PDF) for the door, of every order listed: the print stylesheet keeps only the orders and their QR codes. */
function PrintTickets() {
  const m = useT(ticketsText)
  return (
    <p>
      <button type="button" class="button button-secondary" onClick={() => window.print()}>
        {m.printTickets}
      </button>
    </p>
  )
}

/** Tickets someone else bought and passed on to this account: each with its event, its code and what its holder can do. */
function ReceivedTickets({ received }: { received: Async<Ticket[]> }) {
  const m = useT(ticketsText)
  if (received.error) return <Alert error={received.error} onRetry={received.reload} />
  if (!received.data?.length) return null
  const replace = (changed: Ticket) => received.setData((all) => (all ?? []).map((x) => (x.id === changed.id ? changed : x)))
  return (
    <section class="received-tickets" aria-labelledby="received-title">
      <h2 id="received-title">{m.passedOnToYou}</h2>
      <ul class="tickets" aria-label={m.ticketsPassedOnToYou}>
        {received.data.map((t) => (
          <li key={t.id} data-ticket={t.id}>
            <p class="received-event">
              <Link href={`/events/${t.eventId}`}>{t.eventTitle ?? m.event}</Link>
              {t.eventStartsAt && (
                <>
                  {' · '}
                  <time dateTime={t.eventStartsAt}>{when(t.eventStartsAt, zoneOf({ timeZone: t.eventTimeZone }))}</time>
                </>
              )}
            </p>
            <TicketQr ticket={t} label={withSeat(t.ticketTypeName ?? m.ticket, t)}>
              {t.status === 'valid' && (
                <>
                  <AttendeeName path={`/tickets/${t.id}`} ticket={t} onSaved={replace} />
                  <PassOn ticket={t} onChanged={replace} />
                  <OneTicketFile ticket={t} kind="pdf" />
                  {t.walletPass && <OneTicketFile ticket={t} kind="wallet" />}
                  {t.googleWallet && <GoogleWalletLink ticket={t} />}
                </>
              )}
            </TicketQr>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** One ticket as a file its holder saves: a PDF to print, or an Apple Wallet pass (Safari on an iPhone offers to add it to Wallet). */
function OneTicketFile({ ticket, kind }: { ticket: Ticket; kind: 'pdf' | 'wallet' }) {
  const m = useT(ticketsText)
  const { save, busy, error } = useDownload(`/tickets/${ticket.id}/${kind}`, `easypass-ticket-${ticket.id}.${kind === 'pdf' ? 'pdf' : 'pkpass'}`)
  return (
    <>
      <button type="button" class="link-button" onClick={save} disabled={busy}>
        {kind === 'pdf' ? (busy ? m.preparingPdf : m.downloadPdf) : busy ? m.preparingWalletPass : m.addToWallet}
      </button>
      <Alert error={error} />
    </>
  )
}

/**
 * One ticket saved to Google Wallet: the server signs a link to Google's save page (it is made when
 * asked, so it always carries the ticket as it is now), and this tab goes there.
 */
function GoogleWalletLink({ ticket }: { ticket: Ticket }) {
  const m = useT(ticketsText)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const open = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const { url } = await api<{ url: string }>(`/tickets/${ticket.id}/google-wallet`)
      // Only Google's save page is opened from here, whatever came back.
      if (!url.startsWith('https://pay.google.com/')) throw new Error(m.googleWalletUnavailable)
      window.location.assign(url)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <button type="button" class="link-button" onClick={() => void open()} disabled={busy}>
        {busy ? m.preparingGoogleWallet : m.addToGoogleWallet}
      </button>
      <Alert error={error} />
    </>
  )
}

const ACTIVE = new Set(['paid', 'reserved', 'pending'])
/** Orders asked for at once (the API's largest page); older ones come with "Show older orders". */
const ORDERS_PAGE = 100

export function MyTickets() {
  const m = useT(ticketsText)
  useTitle(m.myTickets)
  const orders = useAsync((signal) => api<List<Order>>(`/orders?limit=${ORDERS_PAGE}`, { signal }), [])
  const received = useAsync((signal) => api<Ticket[]>('/tickets', { signal }), [])
  const [older, setOlder] = useState<Order[]>([])
  const [nextPage, setNextPage] = useState(2)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [olderError, setOlderError] = useState<unknown>()
  // Newest first, each order once (a purchase made meanwhile shifts the pages by one).
  const seen = new Set<string>()
  const all = [...(orders.data?.items ?? []), ...older].filter((o) => !seen.has(o.id) && seen.add(o.id)).sort((a, b) => b.createdAt.localeCompare(a.createdAt))
  const hasOlder = orders.data !== undefined && (nextPage - 1) * ORDERS_PAGE < orders.data.total
  const showOlder = async () => {
    setLoadingOlder(true)
    setOlderError(undefined)
    try {
      const page = await api<List<Order>>(`/orders?limit=${ORDERS_PAGE}&page=${nextPage}`)
      setOlder((o) => [...o, ...page.items])
      setNextPage((n) => n + 1)
    } catch (error) {
      setOlderError(error)
    } finally {
      setLoadingOlder(false)
    }
  }
  const [showOther, setShowOther] = useState(false)
  const active = all.filter((o) => ACTIVE.has(o.status))
  const other = all.filter((o) => !ACTIVE.has(o.status))
  return (
    <section class="container page">
      <PageTitle>{m.myTickets}</PageTitle>
      {orders.error ? <Alert error={orders.error} onRetry={orders.reload} /> : null}
      {orders.loading && !orders.data && <Loading label={m.loadingOrders} />}
      <ReceivedTickets received={received} />
      {orders.data && all.length === 0 && !received.data?.length && (
        <Empty>
          <p>{m.noTicketsYet}</p>
          <Link class="button" href="/">
            {m.findEvent}
          </Link>
        </Empty>
      )}
      <div class="orders">
        {active.map((o) => (
          <OrderCard key={o.id} order={o} />
        ))}
      </div>
      {active.some((o) => o.status === 'paid') && <PrintTickets />}
      {olderError ? <Alert error={olderError} onRetry={showOlder} /> : null}
      {hasOlder && (
        <p>
          <button type="button" class="button button-secondary" onClick={showOlder} disabled={loadingOlder}>
            {loadingOlder ? m.loadingOlder : m.showOlder}
          </button>
        </p>
      )}
      {other.length > 0 && (
        <section class="other-orders" aria-labelledby="other-orders-title">
          <h2 id="other-orders-title">{m.otherOrders}</h2>
          <details onToggle={(e) => setShowOther(e.currentTarget.open)}>
            <summary>{m.showOrders(other.length)}</summary>
          {/* Drawn, and their tickets asked for, only once opened. */}
            {showOther && (
              <div class="orders">
                {other.map((o) => (
                  <OrderCard key={o.id} order={o} headingLevel={3} />
                ))}
              </div>
            )}
          </details>
        </section>
      )}
    </section>
  )
}
