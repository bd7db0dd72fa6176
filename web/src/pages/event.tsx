import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { isVoucherCode, voucherAppliesTo, voucherDiscount } from '@easypass/contracts/pricing'
import { admissionsOf } from '@easypass/contracts/add-ons'
import { api, ApiError, describe, isTransient, untilDecided, withKey, wordRefusal } from '../lib/api'
import { money, moneyOff, when, whenRange, zoneOf } from '../lib/format'
import { useAsync, useNow, useTitle } from '../lib/hooks'
import { useAvailability } from '../lib/live'
import { Link, navigate, withQuery } from '../lib/router'
import { useSession } from '../lib/session'
import type { EventItem, List, Order, TicketType, VoucherOffer } from '../lib/types'
import { SeatMap } from '../components/seat-map'
import { Alert, Loading, Notice, PageTitle } from '../components/ui'
import { WaitlistPanel } from './waitlist'
import { lineAnnouncement, mustWait, TurnNotice, useWaitingRoom, WaitingRoomPanel } from './waiting-room'
import { eventText } from '../i18n/event'
import { t, useT } from '../lib/i18n'
import { byProduct, isGroup, variationLabel } from '../lib/variations'

const DEFAULT_MAX_PER_ORDER = 10
const SELECTION_KEY = 'easypass.selection'

export interface Offer extends TicketType {
  available: number
  /** Why it cannot be bought now, in words; undefined when it can. */
  closed?: string
  max: number
}

/**
 * Ticket types of the event with their live numbers and what one order may take. Live availability,
 * once there, says which types exist (added or removed since the event was loaded); the event's own
 * list is the snapshot used until then.
 */
/**
 * When a sale opens on the page: a second after its start by the server's clock as estimated here. The
 * estimate comes from `Date` headers in whole seconds, so it may run up to a second ahead; opening at
 * the very moment could send the first click to a server not open yet.
 */
const SALE_OPENS_AFTER_MS = 1_000
const opensOnPage = (salesStart: string) => Date.parse(salesStart) + SALE_OPENS_AFTER_MS

export function offers(event: EventItem | undefined, live: { ticketTypes: TicketType[] } | undefined, now: number): Offer[] {
  const base = live ? live.ticketTypes.map((l) => ({ ...event?.ticketTypes?.find((x) => x.id === l.id), ...l })) : (event?.ticketTypes ?? [])
  const m = t(eventText)
  return base.map((t) => {
    const l = live?.ticketTypes.find((x) => x.id === t.id)
    const available = Math.max(0, l?.available ?? t.available ?? t.capacity - (t.sold ?? 0) - (t.held ?? 0))
    let closed: string | undefined
    if (t.salesStart && opensOnPage(t.salesStart) > now) closed = m.onSaleFrom(when(t.salesStart, event && zoneOf(event)))
    else if (t.salesEnd && Date.parse(t.salesEnd) <= now) closed = m.salesEnded
    else if (available === 0) closed = m.soldOut
    // The live view's tax rate, extra mark and product win, also when it has none any more.
    return { ...t, ...(l ? { priceCents: l.priceCents ?? t.priceCents, capacity: l.capacity, sold: l.sold, held: l.held, taxRateBasisPoints: l.taxRateBasisPoints, addOn: l.addOn, variationOf: l.variationOf } : {}), available, closed, max: closed ? 0 : Math.min(available, t.maxPerOrder ?? DEFAULT_MAX_PER_ORDER) }
  })
}

/** Admission tickets picked: extras (`addOn`) come with them, one of each per ticket at most (the server's own count). */
export const admissionsIn = (list: readonly Offer[], qty: Record<string, number>) => admissionsOf(list.map((o) => ({ name: o.name, quantity: qty[o.id] ?? 0, addOn: o.addOn })))

/** How many of `o` may be picked with the others picked as they are. */
export const limitOf = (o: Offer, list: readonly Offer[], qty: Record<string, number>) => (o.addOn ? Math.min(o.max, admissionsIn(list, qty)) : o.max)

/** Extras picked beyond the admission tickets picked, lowered to them (with what to say of each). */
function extrasFollow(list: readonly Offer[], qty: Record<string, number>): { qty: Record<string, number>; changes: string[] } {
  const m = t(eventText)
  const admissions = admissionsIn(list, qty)
  const next = { ...qty }
  const changes: string[] = []
  for (const o of list) {
    if (!o.addOn || (next[o.id] ?? 0) <= admissions) continue
    next[o.id] = admissions
    changes.push(m.extrasFollow(o.name, admissions))
  }
  return { qty: next, changes }
}

/** Seats picked beyond the quantity of their type: the last picked go back. */
const fewerPicks = (picks: Record<string, string[]>, qty: Record<string, number>) =>
  Object.fromEntries(Object.entries(picks).map(([id, seats]) => [id, seats.slice(0, qty[id] ?? 0)]))

interface Selection {
  qty: Record<string, number>
  /** The voucher code applied to the pick. */
  voucher?: string
  /** Seats picked on a seat map, per ticket type. */
  picks?: Record<string, string[]>
}

/** The pick saved for this event, taken once (a later visit starts afresh). */
function readSelection(eventId: string): Selection {
  try {
    const s = JSON.parse(sessionStorage.getItem(SELECTION_KEY) ?? 'null') as ({ eventId: string } & Selection) | null
    if (s?.eventId !== eventId) return { qty: {} }
    sessionStorage.removeItem(SELECTION_KEY)
    return { qty: s.qty, voucher: s.voucher, ...(s.picks ? { picks: s.picks } : {}) }
  } catch {
    return { qty: {} }
  }
}

/** The pick (and its voucher code) the event page starts from next time (after a sign-in, or a hold released to change it). */
export function saveSelection(eventId: string, qty: Record<string, number>, voucher?: string, picks?: Record<string, string[]>) {
  try {
    sessionStorage.setItem(SELECTION_KEY, JSON.stringify({ eventId, qty, voucher, picks }))
  } catch {}
}


/**
 * What a voucher takes off one ticket of `type` (0 when it does not apply to that type), computed as
 * the server does: only an estimate, the order the server makes has the price.
 */
function ticketDiscount(v: VoucherOffer | undefined, type: { id: string; priceCents: number; currency: string }) {
  return v && voucherAppliesTo(v, type) ? voucherDiscount(v, type.priceCents) : 0
}

/** "20% off", "€5.00 off each ticket", "20% off Balcony and Stalls tickets, until …". */
function voucherTerms(v: VoucherOffer, list: Offer[], currency: string) {
  const m = t(eventText)
  const only = v.ticketTypeIds ? list.filter((o) => v.ticketTypeIds!.includes(o.id)).map((o) => o.name) : []
  const what = v.percentOff ? m.percentOff(v.percentOff, only) : m.amountOff(money(v.amountOffCents ?? 0, v.currency ?? currency), only)
  return v.validUntil ? m.until(what, when(v.validUntil)) : what
}

/** Why a code cannot be used, in words that name it where the server says why (unknown, used up, expired). */
function voucherRefusal(error: unknown, code: string) {
  const m = t(eventText)
  const name = code.trim().toUpperCase()
  if (error instanceof ApiError && error.status === 404) return m.noVoucher(name)
  const reason = error instanceof ApiError && error.status === 409 ? (error.details as { reason?: unknown } | undefined)?.reason : undefined
  if (reason === 'used-up') return m.usedUp(name)
  if (reason === 'expired') return m.expired(name)
  return describe(error)
}

/** A purchase refused because of its voucher: the server names the code (`details.voucherCode`). */
const refusedForVoucher = (error: unknown) => error instanceof ApiError && typeof (error.details as { voucherCode?: unknown } | undefined)?.voucherCode === 'string'

/**
 * The buyer's voucher code: as typed, being checked, refused (why) or applied (the server's offer, which
 * the order then carries). A code carried over from before (`saved`) is checked again at once: it may
 * be used up by now.
 */
function useVoucher(eventId: string, saved: string | undefined) {
  const m = useT(eventText)
  const [open, setOpen] = useState(!!saved)
  const [code, setCode] = useState(saved ?? '')
  const [applied, setApplied] = useState<VoucherOffer>()
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const checking = useRef<AbortController | undefined>(undefined)
  const input = useRef<HTMLInputElement>(null)

  const apply = async (text = code) => {
    const wanted = text.trim()
    checking.current?.abort()
    setApplied(undefined)
    setBusy(false)
    if (!isVoucherCode(wanted)) return setError(wanted ? m.badCode : m.enterCode)
    const controller = (checking.current = new AbortController())
    setError(undefined)
    setBusy(true)
    try {
      // Anyone may check a code: no session is needed (or renewed) for it.
      const offer = await api<VoucherOffer>(`/events/${eventId}/vouchers/${encodeURIComponent(wanted)}`, { signal: controller.signal, anonymous: true })
      setApplied(offer)
      setCode(offer.code)
      setError(undefined)
    } catch (err) {
      if (!controller.signal.aborted) setError(voucherRefusal(err, wanted))
    } finally {
      if (!controller.signal.aborted) setBusy(false)
    }
  }
  // Another code than the one applied counts only once it is checked too.
  const edit = (text: string) => {
    checking.current?.abort()
    setCode(text)
    setApplied(undefined)
    setError(undefined)
    setBusy(false)
  }
  /** The code cannot be used (`why`): it is no longer applied, and the buyer is taken to it. */
  const refuse = (why: string) => {
    setApplied(undefined)
    setError(why)
    input.current?.focus()
  }
  useEffect(() => {
    if (saved) void apply(saved)
    return () => checking.current?.abort()
  }, [])
  return { open, setOpen, code, applied, error, busy, input, apply, edit, refuse, remove: () => (edit(''), input.current?.focus()) }
}

/** "Have a voucher code?": folded until the buyer asks for it, as most have none. */
function VoucherField({ voucher, offers, currency }: { voucher: ReturnType<typeof useVoucher>; offers: Offer[]; currency: string }) {
  const m = useT(eventText)
  const { applied, error, busy } = voucher
  // Into the field when the buyer opens it; not when it opens by itself with a code carried over.
  const revealed = useRef(false)
  useEffect(() => {
    if (revealed.current) voucher.input.current?.focus()
  }, [voucher.open])
  if (!voucher.open)
    return (
      <p class="voucher">
        <button type="button" class="link-button" onClick={() => ((revealed.current = true), voucher.setOpen(true))}>
          {m.haveVoucher}
        </button>
      </p>
    )
  return (
    <div class="voucher">
      <label for="voucher-code">{m.voucherCode}</label>
      <div class="voucher-entry">
        <input
          id="voucher-code"
          ref={voucher.input}
          value={voucher.code}
          maxLength={32}
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'voucher-code-error' : undefined}
          onInput={(e) => voucher.edit(e.currentTarget.value)}
          // Enter applies the code, where it would otherwise submit the purchase around it.
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return
            e.preventDefault()
            void voucher.apply()
          }}
        />
        <button type="button" class="button button-secondary" aria-disabled={busy ? true : undefined} onClick={() => !busy && voucher.apply()}>
          {busy ? m.checking : m.apply}
        </button>
      </div>
      {error && (
        <p class="field-error" id="voucher-code-error" role="alert">
          {error}
        </p>
      )}
      {/* There from the start, so that screen readers announce the code when it is applied. */}
      <p class="voucher-applied">
        <span role="status">{applied ? m.appliedTerms(applied.code, voucherTerms(applied, offers, currency)) : ''}</span>
        {applied && (
          <button type="button" class="link-button" aria-label={m.removeVoucher(applied.code)} onClick={voucher.remove}>
            {m.remove}
          </button>
        )}
      </p>
    </div>
  )
}

/** How long after its last attempt a purchase whose answer was lost is retried under the same key. */
const BUY_KEY_OPEN_MS = 10 * 60_000

export function EventPage({ id }: { id: string }) {
  const m = useT(eventText)
  const event = useAsync((signal) => api<EventItem>(`/events/${id}`, { signal }), [id])
  const live = useAvailability(id)
  const session = useSession()
  // The buyer's own unpaid holds of this event: they count against what is available, so a buyer who
  // came back from checkout would otherwise see fewer tickets (or "Sold out") and hold again.
  const holds = useAsync(
    async (signal) => (session ? (await api<List<Order>>(withQuery('/orders', { eventId: id, status: 'reserved', limit: 5 }), { signal })).items : []),
    [id, session?.user.id],
  )
  // Sales open and close, the event starts and the buyer's holds end, at their moment on the page too (not at the next tick).
  const moments = useMemo(() => {
    const types: Array<{ salesStart?: string | null; salesEnd?: string | null }> = [...(event.data?.ticketTypes ?? []), ...(live.availability?.ticketTypes ?? [])]
    const at = (iso: string | null | undefined, open = false) => (iso ? (open ? opensOnPage(iso) : Date.parse(iso)) : undefined)
    const holdEnds = (holds.data ?? []).map((o) => at(o.expiresAt))
    return [...types.flatMap((t) => [at(t.salesStart, true), at(t.salesEnd)]), at(event.data?.startsAt), ...holdEnds].filter((m): m is number => m !== undefined)
  }, [event.data, live.availability, holds.data])
  const now = useNow(30_000, moments)
  const [saved] = useState(() => readSelection(id))
  const [qty, setQty] = useState<Record<string, number>>(saved.qty)
  // Seats picked on a seat map, per ticket type (none: the best seats left, as many as the quantity).
  const [picks, setPicks] = useState<Record<string, string[]>>(saved.picks ?? {})
  const voucher = useVoucher(id, saved.voucher)
  const [adjusted, setAdjusted] = useState<string>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  // A hot on-sale's line: buyers are let in in turn before they can buy.
  const room = useWaitingRoom(id, session?.user.id)
  const letIn = !!room.data?.enabled && !!room.data.you?.admitted
  // A tab in the background says so in its title when the turn comes.
  useTitle(letIn ? m.yourTurnTitle(event.data?.title ?? m.event) : (event.data?.title ?? m.event))
  const buyButton = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    // Let in while the focus was on the panel that went away: the Buy button takes it.
    if (letIn && (!document.activeElement || document.activeElement === document.body)) buyButton.current?.focus()
  }, [letIn])
  const myHolds = (holds.data ?? []).filter((o) => o.status === 'reserved' && o.expiresAt && Date.parse(o.expiresAt) > now)

  // Its reasons a type is closed are words: made again in another language.
  const list = useMemo(() => offers(event.data, live.availability, now), [event.data, live.availability, now, m])

  // Live numbers can fall below what was picked: keep the selection possible and say so.
  useEffect(() => {
    const changes: string[] = []
    const next = { ...qty }
    // Picked seats someone else has taken meanwhile are no longer picked.
    const nextPicks = { ...picks }
    for (const o of list) {
      const mine = picks[o.id]
      if (!mine?.length) continue
      const taken = new Set(o.seating?.taken ?? [])
      const lost = mine.filter((seat) => !o.seating || taken.has(seat))
      if (!lost.length) continue
      nextPicks[o.id] = mine.filter((seat) => !lost.includes(seat))
      next[o.id] = nextPicks[o.id]!.length
      changes.push(lost.length === 1 ? m.seatTaken(lost[0]!) : m.seatsTaken(lost))
    }
    for (const o of list) {
      const want = next[o.id] ?? 0
      if (want > o.max) {
        next[o.id] = o.max
        // Picked seats beyond what can be bought now: the last picked go.
        if (nextPicks[o.id]?.length) nextPicks[o.id] = nextPicks[o.id]!.slice(0, o.max)
        changes.push(o.max ? m.onlyNow(o.max, o.name) : m.noLongerAvailable(o.name))
      }
    }
    // A type removed since it was picked is no longer in the live list.
    if (live.availability) {
      const gone = Object.keys(next).filter((id) => next[id]! > 0 && !list.some((o) => o.id === id))
      for (const id of gone) {
        const name = event.data?.ticketTypes?.find((t) => t.id === id)?.name
        delete next[id]
        delete nextPicks[id]
        changes.push(name ? m.noLongerOnSale(name) : m.typeGone)
      }
    }
    // Fewer tickets now: the extras that came with them follow.
    const following = extrasFollow(list, next)
    if (following.changes.length) {
      Object.assign(next, following.qty)
      changes.push(...following.changes)
    }
    if (changes.length) {
      setQty(next)
      // Seated extras lowered with the tickets give back their last picked seats too.
      setPicks(fewerPicks(nextPicks, next))
      setAdjusted(m.availabilityChanged(changes))
    }
  }, [list])

  if (event.error && !event.data)
    return (
      <section class="container page">
        <PageTitle>{m.event}</PageTitle>
        <Alert error={event.error} onRetry={event.reload} />
        <p>
          <Link href="/">{m.backToAll}</Link>
        </p>
      </section>
    )
  if (!event.data) return <section class="container page"><Loading label={m.loading} /></section>
  const e = event.data

  const items = list
    .filter((o) => (qty[o.id] ?? 0) > 0)
    .map((o) => {
      const seats = picks[o.id]
      return { ticketTypeId: o.id, quantity: qty[o.id]!, ...(seats?.length && seats.length === qty[o.id] ? { seats } : {}) }
    })
  const count = items.reduce((n, i) => n + i.quantity, 0)
  // One order is paid in one currency: a pick across currencies is refused here, before the server does.
  const picked = list.filter((o) => (qty[o.id] ?? 0) > 0)
  const currencies = [...new Set(picked.map((o) => o.currency))]
  const mixed = currencies.length > 1
  const currency = currencies[0] ?? list[0]?.currency ?? e.currency ?? 'EUR'
  const total = picked.reduce((sum, o) => sum + qty[o.id]! * o.priceCents, 0)
  const offer = voucher.applied
  const discount = mixed ? 0 : picked.reduce((sum, o) => sum + qty[o.id]! * ticketDiscount(offer, o), 0)
  // A "from" price only compares prices of one currency; extras are neither the price of going nor a way in.
  const admission = list.filter((o) => !o.addOn)
  const extras = list.filter((o) => o.addOn)
  const open = admission.filter((o) => !o.closed)
  const cheapest = new Set(open.map((o) => o.currency)).size === 1 ? open.reduce<Offer | undefined>((low, o) => (!low || o.priceCents < low.priceCents ? o : low), undefined) : undefined
  // Nothing can be bought now, yet some may be later (taken, or not on sale yet): a waiting list is offered.
  const waitable = open.length === 0 && admission.some((o) => o.closed === m.soldOut || (o.salesStart && opensOnPage(o.salesStart) > now))
  const started = Date.parse(e.startsAt) <= now
  const cannotBuy = e.status === 'cancelled' ? m.cancelledShort : e.status === 'draft' ? m.draft : started ? m.started : undefined

  const setOne = (o: Offer, n: number) => {
    // Types sharing a pool (a hall) share what it has left: the others picked from it count too.
    const pooled = (live.availability?.pools ?? []).filter((p) => p.ticketTypeIds.includes(o.id))
    const limit = limitOf(o, list, qty)
    const room = pooled.reduce((least, p) => Math.min(least, p.available - p.ticketTypeIds.reduce((sum, id) => sum + (id === o.id ? 0 : (qty[id] ?? 0)), 0)), limit)
    const value = Math.max(0, Math.min(limit, room, Math.floor(Number.isFinite(n) ? n : 0)))
    // Fewer tickets: the extras picked with them follow.
    const following = extrasFollow(list, { ...qty, [o.id]: value })
    setQty(following.qty)
    setAdjusted(following.changes.length ? following.changes.map((c) => `${c}.`).join(' ') : value < n && room < limit ? m.sharesPool(o.name, Math.max(0, room)) : undefined)
    // Fewer: the last seats picked go back. More: a number by itself gets the best seats left, and
    // the buyer is told that the seats picked no longer count.
    // Seated extras lowered with the tickets give back their last picked seats too.
    const mine = picks[o.id] ?? []
    if (mine.length && value > mine.length) {
      setPicks({ ...picks, [o.id]: [] })
      setAdjusted(m.seatsUnpicked(mine, value, o.name))
    } else setPicks(fewerPicks(picks, following.qty))
  }

  /** A seat pressed on the map: picked or put back; the quantity is the seats picked. */
  const toggleSeat = (o: Offer, seat: string) => {
    const mine = picks[o.id] ?? []
    const next = mine.includes(seat) ? mine.filter((s) => s !== seat) : [...mine, seat]
    const following = extrasFollow(list, { ...qty, [o.id]: next.length })
    setPicks(fewerPicks({ ...picks, [o.id]: next }, following.qty))
    setQty(following.qty)
    setAdjusted(following.changes.length ? following.changes.map((c) => `${c}.`).join(' ') : undefined)
  }

  /** A ticket type to pick: `Heading` h3 for admission, h4 for an extra (under the Extras heading), a level down under its product; `label`: its name there. */
  const offerItem = (o: Offer, Heading: 'h3' | 'h4' | 'h5', label = o.name) => {
    // An extra before any ticket is picked: it cannot be picked yet, and says why.
    const needsTicket = !!o.addOn && !o.closed && !cannotBuy && admissionsIn(list, qty) === 0
    return (
      <li key={o.id} class={`offer${o.closed ? ' offer-closed' : ''}`} data-ticket-type={o.id}>
        <div class="offer-info">
          <Heading class="offer-name">{label}</Heading>
          <p class="offer-price">
            {money(o.priceCents, o.currency)}
            {o.taxRateBasisPoints ? <span class="muted small">{m.inclTax(o.taxRateBasisPoints)}</span> : null}
          </p>
          {offer && ticketDiscount(offer, o) > 0 && (
            <p class="offer-voucher">
              {m.withVoucher(money(o.priceCents - ticketDiscount(offer, o), o.currency), offer.code)}
            </p>
          )}
          <p class="offer-stock" data-testid="available">
            {o.closed === m.soldOut ? <strong class="sold-out">{m.soldOut}</strong> : o.closed ? o.closed : m.left(o.available)}
          </p>
        </div>
        {!cannotBuy && (
          <div class="stepper">
            {/* aria-disabled, not disabled: a button that disables itself under the keyboard's focus drops it. */}
            <button type="button" class="step" aria-label={m.oneFewer(o.name)} aria-disabled={!qty[o.id] ? true : undefined} onClick={() => qty[o.id] && setOne(o, qty[o.id]! - 1)}>
              −
            </button>
            <label class="sr-only" for={`qty-${o.id}`}>
              {m.quantityOf(o.name)}
            </label>
            <input
              id={`qty-${o.id}`}
              type="number"
              inputMode="numeric"
              min={0}
              max={limitOf(o, list, qty)}
              value={qty[o.id] ?? 0}
              disabled={!!o.closed}
              onInput={(ev) => ev.currentTarget.value !== '' && setOne(o, Number(ev.currentTarget.value))}
              onChange={(ev) => setOne(o, Number(ev.currentTarget.value))}
            />
            <button type="button" class="step" aria-label={m.oneMore(o.name)} aria-disabled={(qty[o.id] ?? 0) >= limitOf(o, list, qty) ? true : undefined} aria-describedby={needsTicket ? `needs-${o.id}` : undefined} onClick={() => (qty[o.id] ?? 0) < limitOf(o, list, qty) && setOne(o, (qty[o.id] ?? 0) + 1)}>
              +
            </button>
          </div>
        )}
        {!o.closed && o.max < o.available && <p class="offer-limit">{m.atMost(o.max)}</p>}
        {needsTicket && (
          <p class="offer-limit" id={`needs-${o.id}`}>
            {m.extrasNeedTicket}
          </p>
        )}
        {o.seating && !o.closed && !cannotBuy && <SeatMap name={o.name} map={o.seating} picked={picks[o.id] ?? []} max={limitOf(o, list, qty)} onToggle={(seat) => toggleSeat(o, seat)} />}
      </li>
    )
  }

  /** Types to pick, a product's variations under its name (`Heading`), each a level down and called by what sets it apart. */
  const offerList = (items: Offer[], Heading: 'h3' | 'h4') =>
    byProduct(items).map((item) =>
      isGroup(item) ? (
        <li key={`product:${item.product}`} class="offer-product" data-product={item.product}>
          <Heading class="offer-product-name">{item.product}</Heading>
          <ul class="offers offer-variations" aria-label={item.product}>
            {item.offers.map((o) => offerItem(o, Heading === 'h3' ? 'h4' : 'h5', variationLabel(o.name, item.product)))}
          </ul>
        </li>
      ) : (
        offerItem(item, Heading)
      ),
    )

  const buy = async (ev: Event) => {
    ev.preventDefault()
    setError(undefined)
    if (!count) return setError(m.pickFirst)
    // A code typed but not applied would not be sent: the buyer did not mean to pay the full price.
    if (voucher.code.trim() && !offer) return voucher.refuse(m.applyFirst)
    // It would be refused, or spend a use for nothing.
    if (offer && !mixed && discount === 0) return voucher.refuse(m.takesNothing(offer.code))
    if (!session) {
      saveSelection(id, qty, offer?.code, picks)
      return navigate(`/signin?next=${encodeURIComponent(`/events/${id}`)}`)
    }
    setBusy(true)
    try {
      const body = { eventId: id, items, ...(offer ? { voucherCode: offer.code } : {}) }
      // A hold: picking the same tickets again 10 minutes after a lost answer is a new purchase.
      const order = await withKey(`buy:${JSON.stringify(body)}`, (idempotencyKey) => untilDecided(() => api<Order>('/orders', { body, idempotencyKey })), undefined, BUY_KEY_OPEN_MS)
      sessionStorage.removeItem(SELECTION_KEY)
      navigate(`/checkout/${order.id}`)
    } catch (err) {
      // The session ended on the way: the pick waits for the sign-in the error offers.
      if (err instanceof ApiError && err.status === 401) saveSelection(id, qty, offer?.code, picks)
      // Switched off, used up or expired since it was applied, or not for these tickets: said at the code, which no longer counts.
      if (offer && refusedForVoucher(err)) voucher.refuse(voucherRefusal(err, offer.code))
      // What was refused (sold out, a seat taken, a limit), in the buyer's language.
      else setError(wordRefusal(err, (typeId) => list.find((o) => o.id === typeId)?.name))
      // Refused for stock, or an answer lost on the way (the hold may have been made): what is held now is shown.
      if ((err instanceof ApiError && (err.code === 'SOLD_OUT' || err.status === 409)) || isTransient(err)) {
        live.refresh()
        holds.reload()
      }
      // The turn ran out (or the room was switched on) meanwhile: the line shows where the buyer is.
      if (err instanceof ApiError && err.code === 'NOT_YOUR_TURN') room.reload()
      setBusy(false)
    }
  }

  return (
    <article class="container page event-page">
      <nav class="breadcrumb" aria-label={m.breadcrumb}>
        <Link href="/">{m.allEvents}</Link>
      </nav>
      <div class="event-layout">
        <div class="event-main">
          {e.imageUrl && <img class="event-hero" src={e.imageUrl} alt="" />}
          <p class="chip">{m.category(e.category)}</p>
          <PageTitle>{e.title}</PageTitle>
          {/* On a phone the tickets come after the whole description: a way straight there. */}
          {list.length > 0 && !cannotBuy && (
            <p class="jump-to-tickets">
              <a class="button" href="#tickets-title">
                {cheapest ? m.getTicketsFrom(money(cheapest.priceCents, cheapest.currency)) : m.getTickets}
              </a>
            </p>
          )}
          {e.status === 'cancelled' && <Alert tone="warning" error={m.cancelled} />}
          <dl class="facts">
            <div>
              <dt>{m.when}</dt>
              <dd>
                <time dateTime={e.startsAt}>{whenRange(e.startsAt, e.endsAt, zoneOf(e))}</time>
                {e.status !== 'cancelled' && (
                  <>
                    {' '}
                    <button type="button" class="link-button" onClick={() => void import('../lib/calendar').then((calendar) => calendar.downloadIcs(e))}>
                      {m.addToCalendar}
                    </button>
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>{m.where}</dt>
              <dd>
                {e.venue.name}, {e.venue.address}, {e.venue.city}
              </dd>
            </div>
            <div>
              <dt>{m.organizer}</dt>
              <dd>{e.organizer}</dd>
            </div>
          </dl>
          <h2>{m.about}</h2>
          <p class="description">{e.description}</p>
          {e.seriesId && <OtherDates event={e} />}
        </div>
        <aside class="buy-panel" aria-labelledby="tickets-title">
          <h2 id="tickets-title" tabIndex={-1}>
            {m.tickets}
          </h2>
          <p class="live-state">
            <span class={`dot dot-${live.state}`} aria-hidden="true" />
            {live.state === 'open' ? m.liveOpen : live.state === 'polling' ? m.livePolling : m.liveConnecting}
          </p>
          {live.error ? <Alert error={live.error} onRetry={live.refresh} /> : null}
          {myHolds.length > 0 && (
            <Notice>
              <p>
                <strong>{m.holding(myHolds.length)}</strong> {m.notCounted}
              </p>
              <ul class="my-holds">
                {myHolds.map((o) => (
                  <li key={o.id} data-hold={o.id}>
                    {m.heldFor(
                      o.items.map((i) => `${i.quantity} × ${i.name}${i.seats?.length ? ` (${i.seats.join(', ')})` : ''}`).join(', '),
                      Math.max(1, Math.ceil((Date.parse(o.expiresAt!) - now) / 60_000)),
                    )}{' '}
                    <Link href={`/checkout/${o.id}`}>{m.continueToPayment}</Link>
                  </li>
                ))}
              </ul>
            </Notice>
          )}
          {list.length === 0 &&
            (e.availabilityUnavailable && !live.availability ? (
              <Alert tone="warning" error={m.salesUnavailable} onRetry={() => (event.reload(), live.refresh())} />
            ) : (
              <p>{m.noTickets}</p>
            ))}
          <form onSubmit={buy}>
            <ul class="offers">{offerList(admission, 'h3')}</ul>
            {extras.length > 0 && (
              <section class="extras" aria-labelledby="extras-title">
                <h3 id="extras-title">{m.extras}</h3>
                <p class="muted small">{m.extrasHint}</p>
                <ul class="offers">{offerList(extras, 'h4')}</ul>
              </section>
            )}
            {adjusted && <Notice tone="warning">{adjusted}</Notice>}
            {cannotBuy ? (
              <Notice>{cannotBuy}</Notice>
            ) : waitable ? (
              // Nothing can be picked: instead of a total and a button that cannot work, the waiting list.
              <WaitlistPanel eventId={id} onStale={live.refresh} />
            ) : (
              list.length > 0 && (
                <div class="buy-summary">
                  <VoucherField voucher={voucher} offers={list} currency={currency} />
                  {discount > 0 && (
                    <>
                      <p class="subtotal">
                        <span>{m.ticketCount(count)}</span>
                        <span>{money(total, currency)}</span>
                      </p>
                      <p class="subtotal">
                        <span>{m.voucherLine(offer!.code)}</span>
                        <span>{moneyOff(discount, currency)}</span>
                      </p>
                    </>
                  )}
                  {offer && count > 0 && !mixed && discount === 0 && <p class="muted small">{m.takesNothingPicked(offer.code)}</p>}
                  <p class="total">
                    <span>{discount > 0 ? m.estimatedTotal : count ? m.ticketCount(count) : m.noTicketsPicked}</span>
                    <strong>{mixed ? m.mixedPrices : money(total - discount, currency)}</strong>
                  </p>
                  {mixed && <Notice tone="warning">{m.mixedCurrencies(currencies)}</Notice>}
                  <Alert error={error} />
                  <p class="sr-only" role="status" aria-live="polite">
                    {lineAnnouncement(room.data)}
                  </p>
                  {mustWait(room.data, session) ? (
                    <WaitingRoomPanel
                      room={room}
                      session={session}
                      onSignIn={() => {
                        saveSelection(id, qty, offer?.code, picks)
                        navigate(`/signin?next=${encodeURIComponent(`/events/${id}`)}`)
                      }}
                    />
                  ) : (
                    <>
                      <TurnNotice room={room.data} />
                      <button type="submit" class="button button-block" ref={buyButton} disabled={busy || !count || mixed}>
                        {busy ? m.holdingTickets : session ? m.buy : m.signInToBuy}
                      </button>
                      <p class="muted small">{m.heldWhilePaying}</p>
                    </>
                  )}
                </div>
              )
            )}
          </form>
        </aside>
      </div>
    </article>
  )
}

/** The other upcoming dates of the same series (published ones; past ones drop out of the list). */
function OtherDates({ event }: { event: EventItem }) {
  const m = useT(eventText)
  const dates = useAsync((signal) => api<List<EventItem>>(`/events?seriesId=${event.seriesId}&limit=100`, { signal }), [event.seriesId])
  const others = (dates.data?.items ?? []).filter((d) => d.id !== event.id)
  if (!others.length) return null
  return (
    <section class="other-dates" aria-labelledby="other-dates-title">
      <h2 id="other-dates-title">{m.otherDates}</h2>
      <ul>
        {others.map((d) => (
          <li key={d.id}>
            <Link href={`/events/${d.id}`}>
              <time dateTime={d.startsAt}>{whenRange(d.startsAt, d.endsAt, zoneOf(d))}</time>
            </Link>
            {d.available === 0 && <span class="muted small">{m.dateSoldOut}</span>}
          </li>
        ))}
      </ul>
    </section>
  )
}
