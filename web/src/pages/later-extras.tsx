// Extras bought later for a paid order (a parking space added after the tickets): picked here, held as
// an order of their own (`addOnTo`), paid at checkout. The pickers stop at one of each per admission
// ticket the order keeps, counting those held already by it and by its earlier extras; the server counts
// again under the order's lock and has the last word.
import { useState } from 'preact/hooks'
import { api, untilDecided, withKey, wordRefusal } from '../lib/api'
import { money } from '../lib/format'
import { useAsync, useNow } from '../lib/hooks'
import { useT } from '../lib/i18n'
import { getEvent, useAvailability } from '../lib/live'
import { Link, navigate } from '../lib/router'
import { getSession } from '../lib/session'
import type { EventItem, List, Order, Ticket } from '../lib/types'
import { Alert, StatusBadge } from '../components/ui'
import { offers } from './event'
import { ticketsText } from '../i18n/tickets'

/** Orders of extras that still hold what they bought. */
const HOLDING = new Set(['reserved', 'pending', 'paid'])

/** A paid order of one's own, bought online, not itself extras: one extras may be added to. */
export const takesExtras = (order: Order) => order.status === 'paid' && !order.addOnTo && !order.boxOffice && !order.complimentary && order.userId === getSession()?.user.id

/** Only for an event that sells extras: the live numbers and the buyer's orders are read then, not for every paid order shown. */
export function AddExtras({ order }: { order: Order }) {
  const event = useAsync(() => getEvent(order.eventId), [order.eventId])
  return event.data?.ticketTypes?.some((t) => t.addOn) ? <ExtrasPicker order={order} event={event.data} /> : null
}

function ExtrasPicker({ order, event }: { order: Order; event: EventItem }) {
  const m = useT(ticketsText)
  const live = useAvailability(order.eventId, 'poll')
  const tickets = useAsync((signal) => api<Ticket[]>(`/orders/${order.id}/tickets`, { signal }), [order.id])
  // The buyer's orders of this event: those of extras for this one count against the tickets.
  const mine = useAsync((signal) => api<List<Order>>(`/orders?eventId=${order.eventId}&limit=100`, { signal }), [order.eventId])
  const now = useNow(60_000)
  const [qty, setQty] = useState<Record<string, number>>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)

  const started = event.status === 'cancelled' || Date.parse(event.startsAt) <= now
  const extras = offers(event, live.availability, now).filter((o) => o.addOn && !o.closed)
  if (started || !extras.length || !tickets.data || !mine.data) return null

  const extraTypes = new Set(order.items.filter((i) => i.addOn).map((i) => i.ticketTypeId))
  const kept = tickets.data.filter((t) => t.status !== 'refunded')
  const admissions = kept.filter((t) => !extraTypes.has(t.ticketTypeId)).length
  const later = mine.data.items.filter((o) => o.addOnTo === order.id && HOLDING.has(o.status))
  const had = (typeId: string) => kept.filter((t) => t.ticketTypeId === typeId).length + later.reduce((sum, o) => sum + o.items.filter((i) => i.ticketTypeId === typeId).reduce((n, i) => n + i.quantity, 0), 0)
  const limit = (typeId: string, max: number) => Math.max(0, Math.min(max, admissions - had(typeId)))
  if (admissions === 0) return null
  const set = (id: string, n: number, max: number) => setQty({ ...qty, [id]: Math.max(0, Math.min(max, Math.floor(n) || 0)) })
  // Never more than is left now (the numbers may have dropped since they were picked).
  const items = extras.map((o) => ({ ticketTypeId: o.id, quantity: Math.min(qty[o.id] ?? 0, limit(o.id, o.max)) })).filter((i) => i.quantity > 0)

  const add = async (ev: Event) => {
    ev.preventDefault()
    setError(undefined)
    if (!items.length) return setError(m.pickExtrasFirst)
    setBusy(true)
    try {
      const body = { eventId: order.eventId, items, addOnTo: order.id }
      const held = await withKey(`extras:${JSON.stringify(body)}`, (idempotencyKey) => untilDecided(() => api<Order>('/orders', { body, idempotencyKey })), undefined, 10 * 60_000)
      navigate(`/checkout/${held.id}`)
    } catch (err) {
      setError(wordRefusal(err, (typeId) => extras.find((o) => o.id === typeId)?.name))
      live.refresh()
      mine.reload()
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card later-extras" aria-labelledby={`extras-${order.id}`}>
      <h2 id={`extras-${order.id}`}>{m.addExtras}</h2>
      <p class="muted small">{m.addExtrasHelp(admissions)}</p>
      <form onSubmit={add} noValidate>
        <ul class="offers">
          {extras.map((o) => {
            const max = limit(o.id, o.max)
            const n = qty[o.id] ?? 0
            return (
              <li key={o.id} class="offer" data-ticket-type={o.id}>
                <div class="offer-info">
                  <h3 class="offer-name">{o.name}</h3>
                  <p class="offer-price">{money(o.priceCents, o.currency)}</p>
                  <p class="offer-limit">{m.extraLeft(max)}</p>
                </div>
                <div class="stepper">
                  <button type="button" class="step" aria-label={m.lessOf(o.name)} aria-disabled={n === 0 ? true : undefined} onClick={() => n > 0 && set(o.id, n - 1, max)}>
                    −
                  </button>
                  <input type="number" inputMode="numeric" aria-label={o.name} min={0} max={max} value={n} disabled={max === 0} onChange={(e) => set(o.id, Number(e.currentTarget.value), max)} />
                  <button type="button" class="step" aria-label={m.moreOf(o.name)} aria-disabled={n >= max ? true : undefined} onClick={() => n < max && set(o.id, n + 1, max)}>
                    +
                  </button>
                </div>
              </li>
            )
          })}
        </ul>
        <Alert error={error} />
        <p class="actions">
          <button type="submit" class="button" disabled={busy}>
            {busy ? m.adding : m.addToOrder}
          </button>
        </p>
      </form>
    </section>
  )
}

/** The orders of extras added to this one (for its buyer and for admins): each with its status, a link to it. */
export function LaterExtrasList({ order }: { order: Order }) {
  const m = useT(ticketsText)
  const event = useAsync(() => getEvent(order.eventId), [order.eventId])
  const sells = !!event.data?.ticketTypes?.some((t) => t.addOn)
  const mine = useAsync(
    (signal) => (sells ? api<List<Order>>(`/orders?eventId=${order.eventId}&userId=${order.userId}&limit=100`, { signal }) : Promise.resolve(undefined)),
    [order.eventId, order.userId, sells],
  )
  const later = mine.data?.items.filter((o) => o.addOnTo === order.id) ?? []
  if (!later.length) return null
  return (
    <section class="card" aria-labelledby={`later-${order.id}`}>
      <h2 id={`later-${order.id}`}>{m.extrasAdded}</h2>
      <ul class="later-list">
        {later.map((o) => (
          <li key={o.id} data-order={o.id}>
            <Link href={`/orders/${o.id}`}>{o.items.map((i) => `${i.quantity} × ${i.name}`).join(', ')}</Link> · {money(o.totalCents, o.currency)} <StatusBadge status={o.status} />
          </li>
        ))}
      </ul>
    </section>
  )
}
