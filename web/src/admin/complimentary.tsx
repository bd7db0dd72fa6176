// Complimentary tickets (a guest list) on an event's attendee page: an admin gives free tickets to a
// guest by email. They count against the capacity like any sale; the guest gets the confirmation with
// every code; their name, when given, is on each ticket.
import { useRef, useState } from 'preact/hooks'
import { SEAT_ID_PATTERN } from '@easypass/contracts/seating'
import { api, ApiError, describe, withKey, wordRefusal } from '../lib/api'
import { looksLikeEmail } from '../lib/format'
import { t, useT } from '../lib/i18n'
import { complimentaryText } from '../i18n/admin-attendees'
import type { EventItem, Order } from '../lib/types'
import { Link } from '../lib/router'
import { toast } from '../components/overlay'
import { Alert, Field, SelectField, TextAreaField } from '../components/ui'
import { MAX_GUESTS, parseGuests } from '../lib/guests'
import { fieldErrorsOf } from './shared'

const SEAT = new RegExp(SEAT_ID_PATTERN)

export function GiveComplimentary({ event, onGiven }: { event: EventItem; onGiven: () => void }) {
  const m = useT(complimentaryText)
  // One type per gift here: an extra alone would be refused (it goes with admission), so it is not offered.
  const types = (event.ticketTypes ?? []).filter((t) => !t.addOn)
  const nameOf = (typeId: string) => event.ticketTypes?.find((t) => t.id === typeId)?.name
  const blank = { ticketTypeId: types[0]?.id ?? '', quantity: '1', seats: '', email: '', name: '' }
  const [form, setForm] = useState(blank)
  const [local, setLocal] = useState<Partial<Record<keyof typeof blank, string>>>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const [last, setLast] = useState<Order>()
  const giving = useRef(false)
  const type = types.find((t) => t.id === form.ticketTypeId)
  const server = fieldErrorsOf(error, { email: 'email', name: 'name', items: 'quantity' })
  const errors = { ...server, ...local }
  const set = (key: keyof typeof blank) => (value: string) => setForm((f) => ({ ...f, [key]: value }))

  const give = async (e: Event) => {
    e.preventDefault()
    if (giving.current) return
    const problems: typeof local = {}
    const words = t(complimentaryText)
    // Seats only for a seated type (a pick left from another type is not sent).
    const seats = type?.seating ? form.seats.split(/[\s,]+/).filter(Boolean) : []
    const quantity = seats.length || Number(form.quantity)
    if (!type) problems.ticketTypeId = words.pickType
    if (!seats.length && !/^[1-9]\d*$/.test(form.quantity)) problems.quantity = words.quantityNeeded
    else if (quantity > 100) problems.quantity = words.quantityMax
    if (seats.some((s) => !SEAT.test(s))) problems.seats = words.seatsInvalid
    if (!looksLikeEmail(form.email)) problems.email = words.emailInvalid
    setLocal(problems)
    if (Object.keys(problems).length) return
    giving.current = true
    setBusy(true)
    setError(undefined)
    try {
      const body = {
        items: [{ ticketTypeId: form.ticketTypeId, quantity, ...(seats.length ? { seats } : {}) }],
        email: form.email.trim(),
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
      }
      // One key per guest and pick: a try again after a lost answer gives the tickets once.
      const order = await withKey(`complimentary:${event.id}:${JSON.stringify(body)}`, (idempotencyKey) => api<Order>(`/events/${event.id}/complimentary`, { body, idempotencyKey }))
      // Decided later (202): said so; the order shows how it ends.
      toast(order.status === 'paid' ? t(complimentaryText).sentTo(quantity, body.email) : t(complimentaryText).stillDeciding(body.email), order.status === 'paid' ? 'success' : 'info')
      setLast(order)
      setForm({ ...blank, ticketTypeId: form.ticketTypeId })
      onGiven()
    } catch (err) {
      setError(wordRefusal(err, nameOf))
    } finally {
      giving.current = false
      setBusy(false)
    }
  }

  if (!types.length) return null
  return (
    <section class="card" aria-labelledby="comp-title">
      <h2 id="comp-title">{m.title}</h2>
      <p class="muted small">{m.intro}</p>
      <form class="form" onSubmit={give} aria-label={m.form} noValidate>
        <div class="row">
          <SelectField
            id="comp-type"
            label={m.ticketType}
            name="ticketTypeId"
            value={form.ticketTypeId}
            onValue={(ticketTypeId) => setForm((f) => ({ ...f, ticketTypeId, seats: '' }))}
            error={errors.ticketTypeId}
            options={types.map((t): [string, string] => [t.id, t.name])}
          />
          {type?.seating ? (
            <Field id="comp-seats" label={m.seats} name="seats" value={form.seats} onValue={set('seats')} error={errors.seats} placeholder="A-1, A-2" hint={m.seatsHint} />
          ) : null}
          <Field id="comp-quantity" label={m.howMany} name="quantity" type="number" min={1} max={100} value={form.quantity} onValue={set('quantity')} error={errors.quantity} disabled={!!type?.seating && !!form.seats.trim()} />
        </div>
        <div class="row">
          <Field id="comp-email" label={m.guestEmail} name="email" type="email" value={form.email} onValue={set('email')} error={errors.email} required />
          <Field id="comp-name" label={m.guestName} name="name" value={form.name} onValue={set('name')} error={errors.name} maxLength={100} hint={m.guestNameHint} />
        </div>
        <Alert error={Object.keys(server).length ? undefined : error} />
        <div class="form-actions">
          <button type="submit" class="button" disabled={busy}>
            {busy ? m.giving : m.give}
          </button>
        </div>
      </form>
      <GuestList event={event} onGiven={onGiven} />
      {last && (
        <p class="small" data-given={last.id}>
          {m.lastGiven(last.items.reduce((n, i) => n + i.quantity, 0), last.complimentary?.email)} · <Link href={`/orders/${last.id}`}>{m.theOrder}</Link>
        </p>
      )}
    </section>
  )
}

/**
 * A guest list pasted in (from a spreadsheet, say): the same tickets for each guest, given one after
 * the other, each under its own key (given again after a lost answer, never twice). Each guest's
 * outcome is listed: a guest refused (sold out, a bad name) does not stop the others.
 */
function GuestList({ event, onGiven }: { event: EventItem; onGiven: () => void }) {
  const m = useT(complimentaryText)
  const types = (event.ticketTypes ?? []).filter((t) => !t.seating && !t.addOn)
  const nameOf = (typeId: string) => event.ticketTypes?.find((t) => t.id === typeId)?.name
  const [form, setForm] = useState({ ticketTypeId: types[0]?.id ?? '', quantity: '1', guests: '' })
  const [problems, setProblems] = useState<string[]>([])
  const [results, setResults] = useState<Array<{ email: string; ok: boolean; text: string }>>([])
  const [busy, setBusy] = useState(false)
  if (!types.length) return null

  const giveAll = async (e: Event) => {
    e.preventDefault()
    const { guests, problems: found } = parseGuests(form.guests)
    if (!/^[1-9]\d*$/.test(form.quantity) || Number(form.quantity) > 100) found.push(t(complimentaryText).ticketsEachInvalid)
    setProblems(found)
    if (found.length || busy) return
    setBusy(true)
    setResults([])
    const quantity = Number(form.quantity)
    for (const guest of guests) {
      const body = { items: [{ ticketTypeId: form.ticketTypeId, quantity }], ...guest }
      try {
        const order = await withKey(`complimentary:${event.id}:${JSON.stringify(body)}`, (idempotencyKey) => api<Order>(`/events/${event.id}/complimentary`, { body, idempotencyKey }))
        setResults((r) => [...r, { email: guest.email, ok: order.status === 'paid', text: order.status === 'paid' ? t(complimentaryText).guestSent(quantity) : t(complimentaryText).guestDeciding }])
      } catch (err) {
        const worded = wordRefusal(err, nameOf)
        setResults((r) => [...r, { email: guest.email, ok: false, text: worded instanceof ApiError ? worded.message : describe(worded) }])
      }
    }
    setBusy(false)
    onGiven()
  }

  const given = results.filter((r) => r.ok).length
  return (
    <details class="guest-list">
      <summary>{m.listSummary}</summary>
      <form class="form" onSubmit={giveAll} aria-label={m.listForm} noValidate>
        <div class="row">
          <SelectField id="comp-list-type" label={m.ticketType} name="listTicketTypeId" value={form.ticketTypeId} onValue={(ticketTypeId) => setForm((f) => ({ ...f, ticketTypeId }))} options={types.map((t): [string, string] => [t.id, t.name])} />
          <Field id="comp-list-quantity" label={m.ticketsEach} name="listQuantity" type="number" min={1} max={100} value={form.quantity} onValue={(quantity) => setForm((f) => ({ ...f, quantity }))} />
        </div>
        <TextAreaField
          id="comp-list-guests"
          label={m.guests}
          name="guests"
          rows={6}
          value={form.guests}
          onValue={(guests) => setForm((f) => ({ ...f, guests }))}
          error={problems.length ? m.problems(problems) : undefined}
          hint={m.guestsHint(MAX_GUESTS)}
        />
        <div class="form-actions">
          <button type="submit" class="button" disabled={busy}>
            {busy ? m.givingDone(results.length) : m.giveAll}
          </button>
        </div>
      </form>
      <div role="status">
        {!busy && results.length > 0 && (
          <p class="small" data-guests-given={given}>
            {m.given(given, results.length)}
            {results.length > given ? m.othersListed : ''}
          </p>
        )}
      </div>
      {results.some((r) => !r.ok) && (
        <ul class="small" aria-label={m.refused}>
          {results
            .filter((r) => !r.ok)
            .map((r) => (
              <li key={r.email} data-guest-refused={r.email}>
                {m.refusedGuest(r.email, r.text)}
              </li>
            ))}
        </ul>
      )}
    </details>
  )
}
