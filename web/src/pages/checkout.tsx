import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, forgetKeys, isTransient, untilDecided, withKey } from '../lib/api'
import { clock, endReason, money, moneyOff, when, zoneOf } from '../lib/format'
import { useAsync, useNow, useTitle } from '../lib/hooks'
import { settle } from '../lib/follow'
import { forgetEvent, getEvent, useNotifications } from '../lib/live'
import { Link, navigate } from '../lib/router'
import type { Card, Order, OrderBilling, SavedBillingDetails } from '../lib/types'
import { confirmDialog } from '../components/overlay'
import { BillingFields, checkBilling, emptyBilling, saveBilling, type BillingErrors } from '../components/billing'
import { Alert, Field, Loading, Notice, PageTitle, SelectField, useFocusFirstInvalid } from '../components/ui'
import { saveSelection } from './event'
import { answersFrom, askedTickets, openQuestions, QuestionFields, saveAnswers, type AnswerErrors, type Answers } from '../components/questions'
import type { OrderAnswers } from '@easypass/contracts/questions'
import { checkoutText } from '../i18n/checkout'
import { t, useT } from '../lib/i18n'

export const TEST_CARDS: Array<[number: string, outcome: string]> = [
  ['4242424242424242', 'approved'],
  ['4000000000000002', 'declined'],
  ['4000000000009995', 'insufficient funds'],
]

/**
 * What names the card typed in a payment's key intent: its digest, so that the number and the CVC are
 * not kept in the tab's memory past the form. Without Web Crypto (a page not served over https): the
 * last four digits and the expiry (two cards alike in those would share the key, and the second be refused).
 */
async function cardIntent(card: Card): Promise<string> {
  if (!globalThis.crypto?.subtle) return `${card.number.slice(-4)}:${card.expMonth}:${card.expYear}`
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${card.number}:${card.expMonth}:${card.expYear}:${card.cvc}`))
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

type CardErrors = Partial<Record<'number' | 'expMonth' | 'expYear' | 'cvc', string>>

function validateCard(number: string, expMonth: string, expYear: string, cvc: string): CardErrors {
  const errors: CardErrors = {}
  const m = t(checkoutText)
  const digits = number.replace(/[\s-]/g, '')
  if (!/^\d{12,19}$/.test(digits)) errors.number = m.errNumber
  if (!expMonth) errors.expMonth = m.errExpMonth
  if (!expYear) errors.expYear = m.errExpYear
  const now = new Date()
  if (expMonth && expYear && Number(expYear) === now.getFullYear() && Number(expMonth) < now.getMonth() + 1) errors.expMonth = m.errExpired
  if (!/^\d{3,4}$/.test(cvc)) errors.cvc = m.errCvc
  return errors
}

/** Expiry reasons that say no more than the page already does (unlike "…; the charge was refunded"). */
const PLAIN_EXPIRY = /^The hold expired( before the (order was paid|payment completed))?\.$/i

export function Checkout({ id }: { id: string }) {
  const m = useT(checkoutText)
  useTitle(m.title)
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
  // The server said the hold ran out (409, and the order reads `expired` now).
  const [expired, setExpired] = useState(false)
  // Any other 409 of a payment (event cancelled or removed, sales closed, not reserved): its words.
  // Held only while the order is in the status it was refused in: a payment elsewhere that failed
  // (pending → reserved again) makes it payable here again.
  const [refused, setRefused] = useState<{ error: ApiError; status?: string }>()
  const [busy, setBusy] = useState<'' | 'paying' | 'cancelling'>('')
  // A payment whose answer did not come (no network, 503): it may have been taken. Until the server's copy
  // of the order says otherwise, the hold is not called over by this page's clock, and Pay stays there to
  // send the same card again under the same key (the server then answers that payment).
  const [answerLost, setAnswerLost] = useState(false)
  // Who the invoice is made out to, when the buyer asks for one in a name (sent before the payment),
  // offered where paid orders get invoices; details given before (another tab, a declined card) come back.
  const invoicing = useAsync((signal) => api<OrderBilling>(`/orders/${id}/billing`, { signal }), [id])
  const [invoiceWanted, setInvoiceWanted] = useState(false)
  const [billing, setBilling] = useState(emptyBilling)
  const [billingErrors, setBillingErrors] = useState<BillingErrors>({})
  /** The details as the server has them ('' for none): sent again only when they differ. */
  const savedBilling = useRef('')
  useEffect(() => {
    const given = invoicing.data?.billing
    if (!given) return
    const filled = { ...emptyBilling(), ...given }
    setBilling(filled)
    setInvoiceWanted(true)
    savedBilling.current = JSON.stringify(filled)
  }, [invoicing.data])
  // Details the buyer gave for an earlier order fill the fields in (sent only if they ask for an invoice).
  const earlier = useAsync(
    async (signal) => (invoicing.data?.invoices && !invoicing.data.billing ? (await api<SavedBillingDetails>('/orders/billing-details', { signal })).billing : null),
    [invoicing.data],
  )
  useEffect(() => {
    if (earlier.data) setBilling((b) => (b.name || b.address ? b : { ...emptyBilling(), ...earlier.data }))
  }, [earlier.data])
  // The organiser's questions: answered here, sent before the payment (required ones first).
  // Extras bought later for an order: that order has the answers.
  const questions = order.data?.addOnTo ? [] : (event.data?.questions ?? [])
  // A question asked per ticket: once for each admission ticket held.
  const tickets = askedTickets(order.data)
  const savedAnswers = useAsync(async (signal) => (questions.length ? api<OrderAnswers>(`/orders/${id}/answers`, { signal }) : null), [id, questions.length])
  const [answers, setAnswers] = useState<Answers>({})
  const [answerErrors, setAnswerErrors] = useState<AnswerErrors>({})
  /** The answers as the server has them: sent again only when they differ. */
  const sentAnswers = useRef('{}')
  /** An answer given clears what was said at its question. */
  const answer = (given: Answers) => {
    setAnswers(given)
    // The same object while nothing is cleared: a new one would send the keyboard back to the first open question.
    setAnswerErrors((said) => (Object.keys(said).some((q) => given[q]?.trim()) ? Object.fromEntries(Object.entries(said).filter(([q]) => !given[q]?.trim())) : said))
  }
  useEffect(() => {
    if (!savedAnswers.data) return
    const given = answersFrom(savedAnswers.data)
    // What the buyer picked while they were on their way wins over what the server had.
    setAnswers((current) => ({ ...given, ...current }))
    sentAnswers.current = JSON.stringify(given)
  }, [savedAnswers.data])
  const cardForm = useRef<HTMLFormElement>(null)
  const freeForm = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(cardForm, answerErrors)
  useFocusFirstInvalid(freeForm, answerErrors)
  useFocusFirstInvalid(cardForm, errors)
  useFocusFirstInvalid(cardForm, billingErrors)

  const o = order.data
  useEffect(() => {
    if (o?.status === 'paid') navigate(`/orders/${o.id}?confirmed=1`, { replace: true })
  }, [o?.status])
  // Pending (opened so, or answered 202): follow it until it is final; leaving the page stops it.
  const pending = o?.status === 'pending'
  useEffect(() => {
    if (!pending || busy) return
    const following = new AbortController()
    // With an expiry the hold was made and a payment was being decided: back to `reserved` means it failed.
    const paying = !!o?.expiresAt
    settle(id, following.signal).then(
      (final) => {
        if (!final) return
        order.setData(final)
        if (final.status !== 'pending') setAnswerLost(false)
        // Decided: paying again (with the same card, say) is a new payment, not that one's answer again.
        if (final.status !== 'pending') forgetKeys(`pay:${id}:`)
        if (paying && final.status === 'reserved') setPayError(m.payFailedHeld)
      },
      () => !following.signal.aborted && order.reload(),
    )
    return () => following.abort()
  }, [id, pending, busy])
  // A payment's answer lost while the order reads reserved: read it again now and then (paid, or the hold over).
  const lostWhileHeld = answerLost && order.data?.status === 'reserved'
  useEffect(() => {
    if (!lostWhileHeld) return
    const timer = setInterval(() => order.reload(), 5_000)
    return () => clearInterval(timer)
  }, [lostWhileHeld])
  // A notification about this order (expired, cancelled, paid elsewhere) means its state changed.
  const { items: notifications } = useNotifications()
  const news = notifications.filter((n) => n.data?.orderId === id).length
  useEffect(() => {
    if (news) order.reload()
  }, [news])

  // A failed reload keeps the order on the page (and its countdown and form): only a first load that failed has nothing to show.
  if (order.error && !o)
    return (
      <section class="container page narrow">
        <PageTitle>{m.title}</PageTitle>
        <Alert error={order.error} onRetry={order.reload} />
      </section>
    )
  if (!o) return <section class="container page"><Loading label={m.loading} /></section>

  const left = o.expiresAt ? Date.parse(o.expiresAt) - now : Infinity
  // A payment's answer lost: the order as the server has it decides whether the hold ended.
  const unsure = answerLost && o.status === 'reserved'
  const refusal = refused && refused.status === o.status ? refused.error : undefined
  // While a payment is on its way the server decides (paid, or expired and refunded): the page does not
  // call the hold over by its own clock and invite a second purchase.
  const paying = busy === 'paying' || unsure
  const holdLive = o.status === 'reserved' && (left > 0 || paying) && !expired && !refusal
  /** Under the pay (or free confirm) button: back to the pick, or let the tickets go. */
  const holdActions = (
    <>
      <button type="button" class="button button-secondary button-block" onClick={() => cancel(true)} aria-disabled={busy ? true : undefined}>
        {m.changeTickets}
      </button>
      <button type="button" class="button button-secondary button-block" onClick={() => cancel()} aria-disabled={busy ? true : undefined}>
        {m.cancelRelease}
      </button>
    </>
  )
  const holdEnded = !paying && (expired || o.status === 'expired' || (o.status === 'reserved' && left <= 0))
  // Answered 202 before ticketing decided the hold: no price, names or expiry yet (and never a payment).
  const holding = o.status === 'pending' && !o.expiresAt && !o.paymentId
  const reason = endReason(o)
  const eventLink = <Link href={`/events/${o.eventId}`}>{m.backToEvent}</Link>

  const useCard = (n: string) => {
    setNumber(n)
    setExpMonth('12')
    setExpYear(String(new Date().getFullYear() + 2))
    setCvc('123')
    setErrors({})
  }

  const pay = async (e: Event) => {
    e.preventDefault()
    // The buttons stay focusable while busy (aria-disabled, not disabled: a disabled button drops the
    // keyboard's focus to the page's start): a second press does nothing.
    if (busy) return
    setPayError(undefined)
    // A free order is confirmed without a card: nothing is charged.
    const free = o?.totalCents === 0
    const local = free ? {} : validateCard(number, expMonth, expYear, cvc)
    setErrors(local)
    const offered = !free && !!invoicing.data?.invoices
    const wantsInvoice = offered && invoiceWanted
    const billingProblems = wantsInvoice ? checkBilling(billing) : {}
    setBillingErrors(billingProblems)
    const unanswered = openQuestions(questions, answers, tickets)
    setAnswerErrors(unanswered)
    if (Object.keys(local).length || Object.keys(billingProblems).length || Object.keys(unanswered).length) return
    const card: Card = { number: number.replace(/[\s-]/g, ''), expMonth: Number(expMonth), expYear: Number(expYear), cvc }
    setBusy('paying')
    // This attempt's answer decides anew (a transient one sets it again below).
    setAnswerLost(false)
    try {
      // Before the payment: the answers it needs, when they changed.
      if (questions.length && JSON.stringify(answers) !== sentAnswers.current) {
        const answerRefusals = await saveAnswers(id, questions, answers, tickets)
        if (answerRefusals) {
          setAnswerErrors(answerRefusals)
          return
        }
        sentAnswers.current = JSON.stringify(answers)
      }
      // Before the payment: the invoice is issued with the confirmation, in the name given now.
      const refused = offered ? await syncBilling(wantsInvoice) : undefined
      if (refused) {
        setBillingErrors(refused)
        return
      }
      // The same card again after a lost answer or a 503 is the same payment: the same key.
      const paid = await withKey(
        free ? `pay:${id}:free` : `pay:${id}:${await cardIntent(card)}`,
        (idempotencyKey) => untilDecided(() => api<Order>(`/orders/${id}/pay`, { body: free ? {} : { card }, idempotencyKey })),
        (answer) => answer.status !== 'pending',
      )
      // Pending (202): the page follows it from here, with no Pay button meanwhile.
      order.setData(paid)
      if (paid.status !== 'paid' && paid.status !== 'pending') setPayError(m.payFailedStatus(paid.status))
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        // Not payable: the order as it is now says why (only an `expired` one means the hold ran out).
        const current = await api<Order>(`/orders/${id}`).catch(() => undefined)
        if (current) order.setData(current)
        else order.reload()
        if (current?.status === 'expired') setExpired(true)
        else setRefused({ error: err, status: current?.status ?? o?.status })
      } else {
        if (err instanceof ApiError && err.code === 'VALIDATION') {
          const f = err.fields
          setErrors({ number: f['card.number'], expMonth: f['card.expMonth'], expYear: f['card.expYear'], cvc: f['card.cvc'] })
          // The organiser asked something new (or changed a question) since this page read the event.
          if (f.answers && o) {
            forgetEvent(o.eventId)
            event.reload()
          }
        }
        setPayError(err)
        // The payment may have been taken without its answer reaching us: the server's copy of the order says.
        if (isTransient(err)) {
          setAnswerLost(true)
          order.reload()
        }
      }
    } finally {
      setBusy('')
    }
  }

  /**
   * The server's billing details made what the form says (set, or taken back when the box was
   * unticked), when they differ; field errors the server found, if any. A 409 saying the invoice exists
   * means a payment went through meanwhile (its confirmation issued it): the payment's retry answers.
   */
  const syncBilling = async (wanted: boolean): Promise<BillingErrors | undefined> => {
    const want = wanted ? JSON.stringify(billing) : ''
    if (want === savedBilling.current) return undefined
    try {
      if (wanted) {
        const saved = await saveBilling(id, billing)
        if ('errors' in saved) return saved.errors
      } else await api<OrderBilling>(`/orders/${id}/billing`, { method: 'DELETE' })
      savedBilling.current = want
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && (err.details as { invoiceNumber?: string } | undefined)?.invoiceNumber) return undefined
      throw err
    }
    return undefined
  }

  /** Releases the hold; `change`: back to the event page with these tickets picked, to change the pick. */
  const cancel = async (change = false) => {
    if (busy) return
    const ok = await confirmDialog(
      change
        ? { ...m.changeDialog }
        : { ...m.releaseDialog, danger: true },
    )
    if (!ok) return
    setBusy('cancelling')
    try {
      await api<Order>(`/orders/${id}/cancel`, { method: 'POST' })
      // Extras for a paid order are picked again on that order's page (the event page sells tickets).
      if (change && o.addOnTo) return navigate(`/orders/${o.addOnTo}`, { replace: true })
      if (change)
        saveSelection(
          o.eventId,
          Object.fromEntries(o.items.map((i) => [i.ticketTypeId, i.quantity])),
          o.voucher?.code,
          Object.fromEntries(o.items.filter((i) => i.seats?.length).map((i) => [i.ticketTypeId, i.seats!])),
        )
      // In place of this checkout: Back from the event page would only find it cancelled.
      navigate(`/events/${o.eventId}`, { replace: change })
    } catch (err) {
      setPayError(err)
      // Expired or ended meanwhile: show what the order is now.
      if (err instanceof ApiError && err.status === 409) order.reload()
      setBusy('')
    }
  }

  const year = new Date().getFullYear()
  const declined = payError instanceof ApiError && payError.code === 'PAYMENT_DECLINED'

  return (
    <section class="container page checkout">
      <PageTitle sub={event.data ? `${event.data.title} · ${when(event.data.startsAt, zoneOf(event.data))}` : undefined}>{m.title}</PageTitle>
      <div class="checkout-layout">
        <section class="card" aria-labelledby="summary-title">
          <h2 id="summary-title">{m.yourOrder}</h2>
          <table class="lines">
            <caption class="sr-only">{m.linesCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{m.colTicket}</th>
                <th scope="col" class="num">
                  {m.colQty}
                </th>
                <th scope="col" class="num">
                  {m.colPrice}
                </th>
              </tr>
            </thead>
            <tbody>
              {o.items.map((i) => (
                <tr key={i.ticketTypeId}>
                  <td>
                    {i.name || m.ticket}
                    {i.seats?.length ? <span class="muted block small">{m.seats(i.seats.length)} {i.seats.join(', ')}</span> : null}
                  </td>
                  <td class="num">{i.quantity}</td>
                  <td class="num">{holding ? <span class="muted">{m.toBeConfirmed}</span> : money(i.unitPriceCents * i.quantity, o.currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              {o.voucher && !holding && (
                <tr>
                  <th scope="row" colSpan={2}>
                    {m.voucher} {o.voucher.code}
                  </th>
                  <td class="num">{moneyOff(o.voucher.discountCents, o.currency)}</td>
                </tr>
              )}
              <tr>
                <th scope="row" colSpan={2}>
                  {m.total}
                </th>
                <td class="num">
                  <strong>{holding ? m.toBeConfirmed : money(o.totalCents, o.currency)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
          {holdLive && o.expiresAt && left > 0 && (
            <div class={`countdown${left < 60_000 ? ' countdown-urgent' : ''}`}>
              <span>{m.heldFor}</span>
              <strong role="timer" aria-live="off" aria-label={m.leftToPay(clock(left))}>
                {clock(left)}
              </strong>
              {/* There from the start, so that screen readers announce the words when they appear. */}
              <span class="sr-only" aria-live="polite">
                {left < 60_000 ? m.lessThanMinute : left < 120_000 ? m.twoMinutes : ''}
              </span>
            </div>
          )}
          {/* Also when the server's expiry (a notification) came while the payment was out: its answer decides. */}
          {paying && (left <= 0 || !holdLive) && <Notice>{m.processing}</Notice>}
        </section>

        <section class="card" aria-labelledby="pay-title">
          <h2 id="pay-title">{m.payment}</h2>
          {order.error ? <Alert tone="warning" error={m.stale} onRetry={order.reload} /> : null}
          {holdEnded && (
            <Alert
              error={m.holdEnded(reason && !PLAIN_EXPIRY.test(endReason(o, 'en')) ? reason : '')}
            />
          )}
          {refusal && !holdEnded && <Alert error={m.refused(refusal.message)} />}
          {o.status === 'cancelled' && (
            <Notice>
              {m.cancelled}
              {reason ? ` ${reason}` : ''} {eventLink}
            </Notice>
          )}
          {o.status === 'failed' && <Alert error={m.failed(reason)} />}
          {o.status === 'refunded' && <Notice>{m.refunded}</Notice>}
          {o.status === 'pending' &&
            (holding ? (
              <Notice>{m.reserving}</Notice>
            ) : (
              <Notice>{m.processing}</Notice>
            ))}
          {refusal && payError ? <Alert error={payError} /> : null}
          {!holdLive && o.status === 'reserved' && left > 0 && (
            <button type="button" class="button button-secondary button-block" onClick={() => cancel()} disabled={!!busy}>
              {m.cancelRelease}
            </button>
          )}
          {!holdLive && !paying && <p>{eventLink}</p>}
          {holdLive && o.totalCents === 0 && (
            <form class="form" ref={freeForm} onSubmit={pay} noValidate>
              {questions.length > 0 && <QuestionFields questions={questions} tickets={tickets} answers={answers} onAnswers={answer} errors={answerErrors} />}
              <p>{m.free}</p>
              {payError ? <Alert error={payError} /> : null}
              <button type="submit" class="button button-block" aria-disabled={busy ? true : undefined}>
                {busy === 'paying' ? m.confirming : m.getTickets}
              </button>
              {holdActions}
            </form>
          )}
          {holdLive && o.totalCents > 0 && (
            <form class="form" ref={cardForm} onSubmit={pay} noValidate>
              {questions.length > 0 && <QuestionFields questions={questions} tickets={tickets} answers={answers} onAnswers={answer} errors={answerErrors} />}
              <Field
                label={m.cardNumber}
                name="number"
                inputMode="numeric"
                autoComplete="cc-number"
                value={number}
                onValue={setNumber}
                error={errors.number}
                maxLength={23}
                hint={
                  <>
                    {m.testCards}{' '}
                    {TEST_CARDS.map(([n, outcome], i) => (
                      <span key={n}>
                        {i > 0 && ', '}
                        <button type="button" class="link-button" onClick={() => useCard(n)} aria-label={m.useTestCard(n, m.outcome(outcome))}>
                          <code>{n}</code>
                        </button>{' '}
                        {m.outcome(outcome)}
                      </span>
                    ))}
                    {m.testCardsEnd}
                  </>
                }
              />
              <div class="row">
                <SelectField
                  label={m.expiryMonth}
                  name="expMonth"
                  autoComplete="cc-exp-month"
                  value={expMonth}
                  onValue={setExpMonth}
                  error={errors.expMonth}
                  options={[['', m.month], ...Array.from({ length: 12 }, (_, i): [string, string] => [String(i + 1), String(i + 1).padStart(2, '0')])]}
                />
                <SelectField
                  label={m.expiryYear}
                  name="expYear"
                  autoComplete="cc-exp-year"
                  value={expYear}
                  onValue={setExpYear}
                  error={errors.expYear}
                  options={[['', m.year], ...Array.from({ length: 16 }, (_, i): [string, string] => [String(year + i), String(year + i)])]}
                />
                <Field label={m.cvc} name="cvc" inputMode="numeric" autoComplete="cc-csc" value={cvc} onValue={setCvc} error={errors.cvc} maxLength={4} />
              </div>
              {invoicing.data?.invoices && (
                <label class="choice">
                  <input type="checkbox" name="invoice-wanted" checked={invoiceWanted} onChange={(e) => setInvoiceWanted(e.currentTarget.checked)} /> {m.invoiceWanted}
                </label>
              )}
              {invoicing.data?.invoices && invoiceWanted && <BillingFields value={billing} onValue={setBilling} errors={billingErrors} />}
              {payError ? (
                <Alert
                  error={
                    declined
                      ? m.declined((payError as ApiError).message, clock(left))
                      : payError
                  }
                />
              ) : null}
              <button type="submit" class="button button-block" aria-disabled={busy ? true : undefined}>
                {busy === 'paying' ? m.paying : m.pay(money(o.totalCents, o.currency))}
              </button>
              {holdActions}
            </form>
          )}
        </section>
      </div>
    </section>
  )
}
