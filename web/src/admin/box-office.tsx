// Selling at the door (box office), on the door's page: door staff sell tickets of the door's event in
// person, paid in cash or on the venue's own terminal, and show the tickets on screen, print them or
// have them emailed. The server prices them; the page shows what to take before, and what was taken after.
import { useRef, useState } from 'preact/hooks'
import { api, withKey, wordRefusal } from '../lib/api'
import { looksLikeEmail, money, orderStatusLabel, withSeat } from '../lib/format'
import { useT } from '../lib/i18n'
import { doorText } from '../i18n/door'
import { useAsync } from '../lib/hooks'
import { useDownload } from '../lib/download'
import type { EventItem, Order, Ticket } from '../lib/types'
import { Link } from '../lib/router'
import { TicketQr } from '../components/qr'
import { Alert, Field, Loading, SelectField } from '../components/ui'
import { fieldErrorsOf } from './shared'

export function BoxOffice({ eventId }: { eventId: string }) {
  const m = useT(doorText).box
  const paidWith: Array<[string, string]> = [
    ['cash', m.cash],
    ['card-terminal', m.terminal],
  ]
  const event = useAsync((signal) => api<EventItem>(`/events/${eventId}`, { signal }), [eventId])
  // One admission type per sale, with the event's extras (parking, a T-shirt) alongside, at most one of each per ticket.
  const types = (event.data?.ticketTypes ?? []).filter((t) => !t.addOn)
  const extras = (event.data?.ticketTypes ?? []).filter((t) => t.addOn)
  const blank = { ticketTypeId: '', quantity: '1', paidWith: 'cash', email: '', name: '' }
  const [form, setForm] = useState(blank)
  // How many of each extra, as typed (empty: none).
  const [extraQty, setExtraQty] = useState<Record<string, string>>({})
  const [extraErrors, setExtraErrors] = useState<Record<string, string>>({})
  const [local, setLocal] = useState<Partial<Record<keyof typeof blank, string>>>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const [sale, setSale] = useState<{ order: Order; tickets: Ticket[] }>()
  const selling = useRef(false)
  const type = types.find((t) => t.id === form.ticketTypeId) ?? types[0]
  const quantity = Number(form.quantity)
  const extraLines = extras.map((x) => ({ type: x, text: extraQty[x.id]?.trim() ?? '' })).filter((l) => l.text && l.text !== '0')
  const extrasValid = extraLines.every((l) => /^[1-9]\d*$/.test(l.text))
  const due =
    type && /^[1-9]\d*$/.test(form.quantity) && extrasValid
      ? money(type.priceCents * quantity + extraLines.reduce((sum, l) => sum + l.type.priceCents * Number(l.text), 0), type.currency)
      : undefined
  const server = fieldErrorsOf(error, { email: 'email', name: 'name', items: 'quantity' })
  const errors = { ...server, ...local }
  const set = (key: keyof typeof blank) => (value: string) => setForm((f) => ({ ...f, [key]: value }))

  const sell = async (e: Event) => {
    e.preventDefault()
    if (selling.current || !type) return
    const problems: typeof local = {}
    if (!/^[1-9]\d*$/.test(form.quantity)) problems.quantity = m.quantityNeeded
    else if (quantity > 100) problems.quantity = m.quantityMax
    if (form.email.trim() && !looksLikeEmail(form.email)) problems.email = m.emailInvalid
    // Extras go with the tickets: at most one of each per ticket sold.
    const extraProblems: Record<string, string> = {}
    for (const l of extraLines) {
      if (!/^[1-9]\d*$/.test(l.text)) extraProblems[l.type.id] = m.wholeNumber
      else if (Number(l.text) > quantity) extraProblems[l.type.id] = m.onePerTicket(quantity)
    }
    setLocal(problems)
    setExtraErrors(extraProblems)
    if (Object.keys(problems).length || Object.keys(extraProblems).length) return
    selling.current = true
    setBusy(true)
    setError(undefined)
    try {
      const body = {
        items: [{ ticketTypeId: type.id, quantity }, ...extraLines.map((l) => ({ ticketTypeId: l.type.id, quantity: Number(l.text) }))],
        paidWith: form.paidWith,
        ...(form.email.trim() ? { email: form.email.trim() } : {}),
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
      }
      // One key per sale until it is decided: a try again after a lost answer, or while it is still being
      // decided (202), is the same sale; the next sale after a final answer gets a new key.
      const order = await withKey(
        `box-office:${eventId}:${JSON.stringify(body)}`,
        (idempotencyKey) => api<Order>(`/events/${eventId}/box-office`, { body, idempotencyKey }),
        (o) => o.status !== 'pending',
      )
      const tickets = order.status === 'paid' ? await api<Ticket[]>(`/orders/${order.id}/tickets`).catch(() => []) : []
      setSale({ order, tickets })
      // Still being decided: the form keeps the sale, so that "Sell" again asks after the same one.
      if (order.status !== 'pending') {
        setForm({ ...blank, ticketTypeId: type.id, paidWith: form.paidWith })
        setExtraQty({})
      }
      event.reload()
    } catch (err) {
      setError(wordRefusal(err, (typeId) => event.data?.ticketTypes?.find((t) => t.id === typeId)?.name))
    } finally {
      selling.current = false
      setBusy(false)
    }
  }

  if (event.loading && !event.data) return <Loading />
  if (event.error) return <Alert error={event.error} onRetry={event.reload} />
  if (!types.length) return <p class="muted small">{m.noTypes}</p>
  return (
    <div class="box-office">
      <form class="form" onSubmit={sell} aria-label={m.form} noValidate>
        <div class="row">
          <SelectField
            id="door-type"
            label={m.type}
            name="ticketTypeId"
            value={type?.id ?? ''}
            onValue={set('ticketTypeId')}
            options={types.map((t): [string, string] => [t.id, `${t.name} · ${money(t.priceCents, t.currency)}${t.available !== undefined ? ` · ${m.left(t.available)}` : ''}`])}
          />
          <Field id="door-quantity" label={m.howMany} name="quantity" type="number" min={1} max={100} value={form.quantity} onValue={set('quantity')} error={errors.quantity} />
          <SelectField id="door-paid-with" label={m.paidWith} name="paidWith" value={form.paidWith} onValue={set('paidWith')} options={paidWith} />
        </div>
        <div class="row">
          <Field id="door-email" label={m.email} name="email" type="email" value={form.email} onValue={set('email')} error={errors.email} hint={m.emailHint} />
          <Field id="door-name" label={m.name} name="name" value={form.name} onValue={set('name')} error={errors.name} maxLength={100} />
        </div>
        {extras.length > 0 && (
          <fieldset class="door-extras">
            <legend>{m.extras}</legend>
            <div class="row">
              {extras.map((x) => (
                <Field
                  key={x.id}
                  id={`door-extra-${x.id}`}
                  label={`${x.name} · ${money(x.priceCents, x.currency)}${x.available !== undefined ? ` · ${m.left(x.available)}` : ''}`}
                  name={`extra-${x.id}`}
                  type="number"
                  min={0}
                  max={100}
                  value={extraQty[x.id] ?? ''}
                  onValue={(value) => setExtraQty((q) => ({ ...q, [x.id]: value }))}
                  error={extraErrors[x.id]}
                />
              ))}
            </div>
          </fieldset>
        )}
        {type?.seating ? <p class="muted small">{m.seats}</p> : null}
        <Alert error={Object.keys(server).length ? undefined : error} />
        <div class="form-actions">
          <button type="submit" class="button" disabled={busy}>
            {busy ? m.selling : due ? m.sellTake(due) : m.sell}
          </button>
        </div>
      </form>
      {sale && <SaleDone order={sale.order} tickets={sale.tickets} />}
    </div>
  )
}

/** The sale just made: what was taken, and its tickets to show (each QR code scans at the door) or print. */
function SaleDone({ order, tickets }: { order: Order; tickets: Ticket[] }) {
  const pdf = useDownload(`/orders/${order.id}/tickets/pdf`, `easypass-tickets-${order.id}.pdf`)
  const m = useT(doorText).box
  const count = order.items.reduce((n, i) => n + i.quantity, 0)
  const card = order.boxOffice?.paidWith === 'card-terminal'
  return (
    <section class="card" aria-labelledby="door-sale-title" data-door-sale={order.id}>
      {/* Announced once, as it is: the tickets below are not read out with it. */}
      <div role="status">
        <h2 id="door-sale-title">
        {order.status === 'paid'
          ? m.sold(count, money(order.totalCents, order.currency), card)
          : order.status === 'pending'
            ? m.stillDeciding
            : m.notSold(order.status, orderStatusLabel(order.status) ?? order.status)}
        </h2>
      </div>
      <p class="small">
        <Link href={`/orders/${order.id}`}>{m.theOrder}</Link>
      </p>
      {tickets.length > 0 && (
        <>
          <p class="actions">
            <button type="button" class="button button-secondary" onClick={pdf.save} disabled={pdf.busy}>
              {pdf.busy ? m.makingPdf : m.printPdf}
            </button>
          </p>
          <Alert error={pdf.error} />
          <ul class="tickets" aria-label={m.ticketsSold}>
            {tickets.map((t) => (
              <li key={t.id}>
                <TicketQr ticket={t} label={withSeat(t.ticketTypeName ?? m.ticket, t)} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
