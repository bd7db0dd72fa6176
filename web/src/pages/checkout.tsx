import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, isTransient, withKey } from '../lib/api'
import { clock, money, when } from '../lib/format'
import { useAsync, useNow, useTitle } from '../lib/hooks'
import { getEvent, useNotifications } from '../lib/live'
import { Link, navigate } from '../lib/router'
import type { Card, Order } from '../lib/types'
import { confirmDialog } from '../components/overlay'
import { Alert, Field, Loading, Notice, PageTitle, SelectField } from '../components/ui'

export const TEST_CARDS: Array<[number: string, outcome: string]> = [
  ['4242424242424242', 'approved'],
  ['4000000000000002', 'declined'],
  ['4000000000009995', 'insufficient funds'],
]

type CardErrors = Partial<Record<'number' | 'expMonth' | 'expYear' | 'cvc', string>>

function validateCard(number: string, expMonth: string, expYear: string, cvc: string): CardErrors {
  const errors: CardErrors = {}
  const digits = number.replace(/[\s-]/g, '')
  if (!/^\d{12,19}$/.test(digits)) errors.number = 'Enter the 12 to 19 digits of the card number.'
  if (!expMonth) errors.expMonth = 'Choose the expiry month.'
  if (!expYear) errors.expYear = 'Choose the expiry year.'
  const now = new Date()
  if (expMonth && expYear && Number(expYear) === now.getFullYear() && Number(expMonth) < now.getMonth() + 1) errors.expMonth = 'This card has expired.'
  if (!/^\d{3,4}$/.test(cvc)) errors.cvc = 'Enter the 3 or 4 digit security code.'
  return errors
}

/** Polls an order while its payment is being decided (202 pending); a lost answer is asked again. */
async function settle(id: string, signal: { stop: boolean }): Promise<Order> {
  for (let i = 0; i < 60 && !signal.stop; i++) {
    await new Promise((r) => setTimeout(r, 1500))
    try {
      const order = await api<Order>(`/orders/${id}`)
      if (order.status !== 'pending') return order
    } catch (error) {
      if (!isTransient(error)) throw error
    }
  }
  throw new ApiError(503, 'UNAVAILABLE', 'The payment is taking longer than usual. Check My tickets in a minute.')
}

export function Checkout({ id }: { id: string }) {
  useTitle('Checkout')
  const order = useAsync((signal) => api<Order>(`/orders/${id}`, { signal }), [id])
  const eventId = order.data?.eventId
  const event = useAsync(async () => (eventId ? getEvent(eventId) : undefined), [eventId])
  const now = useNow(1000)
  const [number, setNumber] = useState('')
  const [expMonth, setExpMonth] = useState('')
  const [expYear, setExpYear] = useState('')
  const [cvc, setCvc] = useState('')
  const [errors, setErrors] = useState<CardErrors>({})
  const [payError, setPayError] = useState<unknown>()
  const [expired, setExpired] = useState(false)
  const [busy, setBusy] = useState<'' | 'paying' | 'processing' | 'cancelling'>('')
  const polling = useRef({ stop: false })
  useEffect(() => () => void (polling.current.stop = true), [])

  const o = order.data
  useEffect(() => {
    if (o?.status === 'paid') navigate(`/orders/${o.id}?confirmed=1`, { replace: true })
  }, [o?.status])
  // Opened (or reloaded) while the payment is being decided: follow it until it is final.
  const following = useRef(false)
  useEffect(() => {
    if (o?.status !== 'pending' || following.current || busy) return
    following.current = true
    settle(id, polling.current)
      .then((final) => order.setData(final), () => order.reload())
      .finally(() => (following.current = false))
  }, [o?.status, busy])
  // A notification about this order (expired, cancelled, paid elsewhere) means its state changed.
  const { items: notifications } = useNotifications()
  const news = notifications.filter((n) => n.data?.orderId === id).length
  useEffect(() => {
    if (news) order.reload()
  }, [news])

  if (order.error)
    return (
      <section class="container page narrow">
        <PageTitle>Checkout</PageTitle>
        <Alert error={order.error} onRetry={order.reload} />
      </section>
    )
  if (!o) return <section class="container page"><Loading label="Loading your order…" /></section>

  const left = o.expiresAt ? Date.parse(o.expiresAt) - now : Infinity
  const holdLive = o.status === 'reserved' && left > 0 && !expired
  const eventLink = <Link href={`/events/${o.eventId}`}>Back to the event</Link>

  const useCard = (n: string) => {
    setNumber(n)
    setExpMonth('12')
    setExpYear(String(new Date().getFullYear() + 2))
    setCvc('123')
    setErrors({})
  }

  const pay = async (e: Event) => {
    e.preventDefault()
    setPayError(undefined)
    const local = validateCard(number, expMonth, expYear, cvc)
    setErrors(local)
    if (Object.keys(local).length) return
    const card: Card = { number: number.replace(/[\s-]/g, ''), expMonth: Number(expMonth), expYear: Number(expYear), cvc }
    setBusy('paying')
    let processing = false
    try {
      // The same card again after a lost answer or a 503 is the same payment: the same key.
      let paid = await withKey(
        `pay:${id}:${card.number}:${card.expMonth}:${card.expYear}:${card.cvc}`,
        (idempotencyKey) => api<Order>(`/orders/${id}/pay`, { body: { card }, idempotencyKey }),
        (answer) => answer.status !== 'pending',
      )
      if (paid.status === 'pending') {
        setBusy('processing')
        processing = true
        paid = await settle(id, polling.current)
      }
      order.setData(paid)
      if (paid.status !== 'paid') setPayError(`The payment did not go through (order ${paid.status}).`)
    } catch (err) {
      // 409: the hold ended (expired or released) before the payment: show what the order is now.
      if (err instanceof ApiError && err.status === 409) {
        setExpired(true)
        order.reload()
      } else if (processing) {
        // Still being decided as far as we know: show the order as it is now (pending: no Pay button).
        order.reload()
      }
      if (err instanceof ApiError && err.code === 'VALIDATION') {
        const f = err.fields
        setErrors({ number: f['card.number'], expMonth: f['card.expMonth'], expYear: f['card.expYear'], cvc: f['card.cvc'] })
      }
      setPayError(err)
    } finally {
      setBusy('')
    }
  }

  const cancel = async () => {
    const ok = await confirmDialog({ title: 'Release these tickets?', message: 'Your held tickets go back on sale and this order is cancelled.', confirmLabel: 'Release tickets', cancelLabel: 'Keep them', danger: true })
    if (!ok) return
    setBusy('cancelling')
    try {
      await api<Order>(`/orders/${id}/cancel`, { method: 'POST' })
      navigate(`/events/${o.eventId}`)
    } catch (err) {
      setPayError(err)
      setBusy('')
    }
  }

  const year = new Date().getFullYear()
  const declined = payError instanceof ApiError && payError.code === 'PAYMENT_DECLINED'

  return (
    <section class="container page checkout">
      <PageTitle sub={event.data ? `${event.data.title} · ${when(event.data.startsAt)}` : undefined}>Checkout</PageTitle>
      <div class="checkout-layout">
        <section class="card" aria-labelledby="summary-title">
          <h2 id="summary-title">Your order</h2>
          <table class="lines">
            <caption class="sr-only">Tickets in this order</caption>
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col" class="num">
                  Qty
                </th>
                <th scope="col" class="num">
                  Price
                </th>
              </tr>
            </thead>
            <tbody>
              {o.items.map((i) => (
                <tr key={i.ticketTypeId}>
                  <td>{i.name}</td>
                  <td class="num">{i.quantity}</td>
                  <td class="num">{money(i.unitPriceCents * i.quantity, o.currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  Total
                </th>
                <td class="num">
                  <strong>{money(o.totalCents, o.currency)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
          {holdLive && o.expiresAt && (
            <div class={`countdown${left < 60_000 ? ' countdown-urgent' : ''}`}>
              <span>Tickets held for you for</span>
              <strong role="timer" aria-live="off" aria-label={`${clock(left)} left to pay`}>
                {clock(left)}
              </strong>
              {left < 60_000 && <span class="sr-only" aria-live="polite">Less than a minute left to pay.</span>}
            </div>
          )}
        </section>

        <section class="card" aria-labelledby="pay-title">
          <h2 id="pay-title">Payment</h2>
          {!holdLive && (o.status === 'expired' || o.status === 'reserved') && (
            <Alert error="Your hold has expired, so these tickets went back on sale. Pick them again on the event page." />
          )}
          {o.status === 'cancelled' && <Notice>This order was cancelled. {eventLink}</Notice>}
          {o.status === 'failed' && <Alert error="The payment for this order failed and the tickets were released." />}
          {o.status === 'refunded' && <Notice>This order was refunded.</Notice>}
          {o.status === 'pending' && <Notice>Your payment is being processed. This page updates when it is done.</Notice>}
          {!holdLive && <p>{eventLink}</p>}
          {holdLive && (
            <form class="form" onSubmit={pay} noValidate>
              <Field
                label="Card number"
                name="number"
                inputMode="numeric"
                autoComplete="cc-number"
                value={number}
                onValue={setNumber}
                error={errors.number}
                maxLength={23}
                hint={
                  <>
                    Sandbox test cards:{' '}
                    {TEST_CARDS.map(([n, outcome], i) => (
                      <span key={n}>
                        {i > 0 && ', '}
                        <button type="button" class="link-button" onClick={() => useCard(n)} aria-label={`Use test card ${n} (${outcome})`}>
                          <code>{n}</code>
                        </button>{' '}
                        {outcome}
                      </span>
                    ))}
                    . Any future expiry date and any CVC.
                  </>
                }
              />
              <div class="row">
                <SelectField
                  label="Expiry month"
                  name="expMonth"
                  autoComplete="cc-exp-month"
                  value={expMonth}
                  onValue={setExpMonth}
                  error={errors.expMonth}
                  options={[['', 'Month'], ...Array.from({ length: 12 }, (_, i): [string, string] => [String(i + 1), String(i + 1).padStart(2, '0')])]}
                />
                <SelectField
                  label="Expiry year"
                  name="expYear"
                  autoComplete="cc-exp-year"
                  value={expYear}
                  onValue={setExpYear}
                  error={errors.expYear}
                  options={[['', 'Year'], ...Array.from({ length: 16 }, (_, i): [string, string] => [String(year + i), String(year + i)])]}
                />
                <Field label="CVC" name="cvc" inputMode="numeric" autoComplete="cc-csc" value={cvc} onValue={setCvc} error={errors.cvc} maxLength={4} />
              </div>
              {payError ? (
                <Alert
                  error={
                    declined
                      ? `Payment declined: ${(payError as ApiError).message.replace(/\.?$/, '.')} Your tickets are still held for ${clock(left)}: check the details or try another card.`
                      : payError
                  }
                />
              ) : null}
              <button type="submit" class="button button-block" disabled={!!busy}>
                {busy === 'paying' ? 'Paying…' : busy === 'processing' ? 'Waiting for the bank…' : `Pay ${money(o.totalCents, o.currency)}`}
              </button>
              <button type="button" class="button button-secondary button-block" onClick={cancel} disabled={!!busy}>
                Cancel and release the tickets
              </button>
            </form>
          )}
        </section>
      </div>
    </section>
  )
}
