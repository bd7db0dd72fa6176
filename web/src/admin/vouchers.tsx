// An event's vouchers (discount codes) in its editor: what each takes off and how often it is used,
// switching one off or on, changing its number of uses, removing one no order uses, adding new ones.
import { isVoucherCode, VOUCHER_LIMITS } from '@easypass/contracts/pricing'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { serverNow } from '../lib/clock'
import { fromLocalInput, minorDigits, money, moneyInput, parseMoney, when, zoneLabel, zoneOf } from '../lib/format'
import { t, useT } from '../lib/i18n'
import { adminVouchersText } from '../i18n/admin-vouchers'
import { useAsync } from '../lib/hooks'
import type { EventItem, TicketType, Voucher } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Field, Loading, Notice, SelectField, useFocusFirstInvalid } from '../components/ui'
import { fieldErrorsOf } from './shared'

const MAX_USES = VOUCHER_LIMITS.maxUses
const MAX_TYPES = VOUCHER_LIMITS.ticketTypes

export function EventVouchers({ event, types }: { event: EventItem; types: TicketType[] }) {
  const m = useT(adminVouchersText)
  // A ticket type removed is taken off the vouchers naming it (one left with none is switched off): read them again.
  const typeIds = types.map((t) => t.id).join()
  const vouchers = useAsync((signal) => api<{ items: Voucher[] }>(`/events/${event.id}/vouchers`, { signal }), [event.id, typeIds])
  const heading = useRef<HTMLHeadingElement>(null)
  const items = vouchers.data?.items ?? []
  // The removed voucher's row takes the focus with it: it goes to the section instead of the page's start.
  const removed = () => {
    vouchers.reload()
    heading.current?.focus()
  }
  return (
    <section class="card" aria-labelledby="vouchers-title">
      <h2 id="vouchers-title" tabIndex={-1} ref={heading}>
        {m.title}
      </h2>
      <p class="muted">{m.intro}</p>
      {vouchers.error ? <Alert error={vouchers.error} onRetry={vouchers.reload} /> : null}
      {!vouchers.data && !vouchers.error && <Loading label={m.loading} />}
      {vouchers.data && items.length === 0 && <Notice>{m.none}</Notice>}
      {items.length > 0 && (
        <ul class="type-list">
          {items.map((v) => (
            <VoucherRow key={v.code} eventId={event.id} zone={zoneOf(event)} voucher={v} types={types} onChange={vouchers.reload} onRemoved={removed} />
          ))}
        </ul>
      )}
      {event.status !== 'cancelled' && <AddVoucher event={event} types={types} taken={items.map((v) => v.code)} onChange={vouchers.reload} />}
    </section>
  )
}

/** "20% off" or "€5.00 off each ticket", and the ticket types it is limited to. */
function discountText(v: Voucher, types: TicketType[], m: (typeof adminVouchersText)['en']) {
  const what = v.percentOff ? m.percentOff(v.percentOff) : m.amountOff(money(v.amountOffCents ?? 0, v.currency ?? 'EUR'))
  if (!v.ticketTypeIds) return what
  if (!v.ticketTypeIds.length) return m.typesRemoved(what)
  const names = v.ticketTypeIds.map((id) => types.find((t) => t.id === id)?.name ?? m.typeNotListed)
  return m.only(what, names)
}

/** Whether buyers can use it now, in words, with the tone of its badge. */
function voucherStatus(v: Voucher, now: number, label: (typeof adminVouchersText)['en']['status']): [tone: 'active' | 'ended' | 'off', label: string] {
  if (!v.active) return ['off', label.off]
  if (v.validUntil && Date.parse(v.validUntil) <= now) return ['ended', label.expired]
  if (v.remaining === 0) return ['ended', label.usedUp]
  return ['active', label.active]
}

/** Max uses cannot go below the orders using the voucher now. */
const belowUse = (inUse: number) => t(adminVouchersText).belowUse(inUse)

function VoucherRow({ eventId, zone, voucher: v, types, onChange, onRemoved }: { eventId: string; zone: string | undefined; voucher: Voucher; types: TicketType[]; onChange: () => void; onRemoved: () => void }) {
  const m = useT(adminVouchersText)
  const [maxUses, setMaxUses] = useState(String(v.maxUses))
  // A new number from a reload (this save, or another admin's) is shown; an edit not saved yet stays through other reloads.
  useEffect(() => setMaxUses(String(v.maxUses)), [v.maxUses])
  const [errors, setErrors] = useState<{ maxUses?: string }>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const rowForm = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(rowForm, errors)
  const inUse = v.used + v.held
  const path = `/events/${eventId}/vouchers/${encodeURIComponent(v.code)}`

  /** Sends a change; a refusal that may come from a change made meanwhile (gone, taken up) reloads the list. */
  const change = async (body: { maxUses?: number; active?: boolean }, done: string) => {
    setError(undefined)
    setBusy(true)
    try {
      await api(path, { method: 'PATCH', body })
      toast(done, 'success')
      onChange()
    } catch (err) {
      const details = err instanceof ApiError && err.status === 409 ? (err.details as { used?: number; held?: number } | undefined) : undefined
      if (body.maxUses !== undefined && details) setErrors({ maxUses: belowUse((details.used ?? 0) + (details.held ?? 0)) })
      else {
        setErrors(fieldErrorsOf(err, { maxUses: 'maxUses' }))
        setError(err)
      }
      if (err instanceof ApiError && (err.status === 404 || err.status === 409)) onChange()
    } finally {
      setBusy(false)
    }
  }

  const saveMaxUses = (e: Event) => {
    e.preventDefault()
    if (busy) return
    const text = maxUses.trim()
    const n = Number(text)
    const problem = !/^[1-9]\d*$/.test(text) || n > MAX_USES ? m.maxUsesRange : n < inUse ? belowUse(inUse) : undefined
    setErrors({ maxUses: problem })
    if (problem) return
    if (n === v.maxUses) return toast(m.nothingChanged)
    void change({ maxUses: n }, m.usesNow(v.code, n))
  }

  const toggle = () => {
    if (!busy) void change({ active: !v.active }, m.switched(v.code, v.active))
  }

  const remove = async () => {
    if (busy) return
    setBusy(true)
    const ok = await confirmDialog({ title: m.removeTitle(v.code), message: m.removeMessage, confirmLabel: m.remove, danger: true })
    if (!ok) return setBusy(false)
    setError(undefined)
    try {
      await api(path, { method: 'DELETE' })
      toast(m.removed(v.code), 'success')
      onRemoved()
    } catch (err) {
      // An order took it up meanwhile (the server says to switch it off instead), or it is gone already.
      setError(err instanceof ApiError && err.status === 409 ? err.message.replace(/\.?$/, '.') : err)
      if (err instanceof ApiError && (err.status === 404 || err.status === 409)) onChange()
    } finally {
      setBusy(false)
    }
  }

  const [tone, status] = voucherStatus(v, serverNow(), m.status)
  const id = `v-${v.code}`
  return (
    <li class="type-row" data-voucher={v.code}>
      <form ref={rowForm} onSubmit={saveMaxUses} noValidate aria-labelledby={`${id}-code`}>
        <div class="type-head">
          <div class="voucher-title">
            <h3 id={`${id}-code`}>{v.code}</h3>
            <span class={`badge badge-voucher-${tone}`}>{status}</span>
          </div>
          <p class="muted small">
            {discountText(v, types, m)} · {m.usage(v.used, v.maxUses, v.held)} · {v.validUntil ? m.validUntil(when(v.validUntil, zone)) : m.untilEvent}
          </p>
        </div>
        <div class="voucher-controls">
          <Field id={`${id}-max`} label={m.maxUses} name="maxUses" type="number" min={Math.max(1, inUse)} max={MAX_USES} value={maxUses} onValue={setMaxUses} error={errors.maxUses} />
          {/* aria-disabled, not disabled: a button that disables itself under the keyboard's focus drops it. */}
          <button type="submit" class="button button-small" aria-disabled={busy ? true : undefined} aria-label={m.saveMaxUsesOf(v.code)}>
            {m.saveMaxUses}
          </button>
          {/* One whose ticket types were all removed is for nothing: the server refuses to switch it on. */}
          {(v.active || v.ticketTypeIds?.length !== 0) && (
            <button type="button" class="button button-small button-secondary" aria-disabled={busy ? true : undefined} aria-label={m.switchLabel(v.code, v.active)} onClick={toggle}>
              {v.active ? m.switchOff : m.switchOn}
            </button>
          )}
          {inUse === 0 && (
            <button type="button" class="button button-small button-secondary" aria-label={m.removeLabel(v.code)} onClick={remove}>
              {m.remove}
            </button>
          )}
        </div>
        <Alert error={error} />
      </form>
    </li>
  )
}

interface VoucherForm {
  code: string
  kind: 'percent' | 'amount'
  value: string
  currency: string
  maxUses: string
  validUntil: string
  /** The ticket types ticked under "Only for". */
  only: string[]
}

type VoucherErrors = Partial<Record<'code' | 'value' | 'currency' | 'maxUses' | 'validUntil' | 'only', string>>

/** API field paths → the form's fields. */
const VOUCHER_FIELD: Record<string, keyof VoucherErrors> = {
  code: 'code',
  percentOff: 'value',
  amountOffCents: 'value',
  currency: 'currency',
  maxUses: 'maxUses',
  validUntil: 'validUntil',
  ticketTypeIds: 'only',
}

const BLANK: VoucherForm = { code: '', kind: 'percent', value: '', currency: '', maxUses: '', validUntil: '', only: [] }

function AddVoucher({ event, types, taken, onChange }: { event: EventItem; types: TicketType[]; taken: string[]; onChange: () => void }) {
  const m = useT(adminVouchersText)
  const [f, setF] = useState(BLANK)
  const [errors, setErrors] = useState<VoucherErrors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const addForm = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(addForm, errors)
  const set = (key: 'code' | 'value' | 'currency' | 'maxUses' | 'validUntil') => (value: string) => setF((x) => ({ ...x, [key]: value }))
  const tick = (typeId: string, on: boolean) => setF((x) => ({ ...x, only: on ? [...x.only, typeId] : x.only.filter((y) => y !== typeId) }))

  // An amount off is in the currency of the tickets it lowers: one the event's types are priced in.
  const currencies = [...new Set(types.map((t) => t.currency))]
  const currency = currencies.includes(f.currency) ? f.currency : (currencies[0] ?? event.currency ?? 'EUR')
  const amount = f.kind === 'amount'
  const eligible = amount ? types.filter((t) => t.currency === currency) : types
  // Types ticked before the currency changed stay ticked for a change back, but are not sent.
  const only = f.only.filter((typeId) => eligible.some((t) => t.id === typeId))
  const example = moneyInput(500 * 10 ** (minorDigits(currency) - 2), currency)

  const add = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    setError(undefined)
    const local: VoucherErrors = {}
    const code = f.code.trim()
    const value = f.value.trim()
    if (!code) local.code = m.codeNeeded
    else if (!isVoucherCode(code)) local.code = m.codeShape
    // The same terms again would be answered with the voucher there is, as a retry is: no "added" for nothing.
    else if (taken.includes(code.toUpperCase())) local.code = m.codeTaken(code.toUpperCase())
    const percent = Number(value)
    const cents = amount ? parseMoney(value, currency) : null
    if (!amount && !(/^\d+$/.test(value) && percent >= 1 && percent <= 100)) local.value = m.percentRange
    if (amount && !cents) local.value = m.amountLike(example)
    const maxUses = Number(f.maxUses.trim())
    if (!/^[1-9]\d*$/.test(f.maxUses.trim()) || maxUses > MAX_USES) local.maxUses = m.usesRange
    const validUntil = fromLocalInput(f.validUntil, zoneOf(event))
    if (f.validUntil && !validUntil) local.validUntil = m.dateNeeded
    else if (validUntil && Date.parse(validUntil) <= serverNow()) local.validUntil = m.dateFuture
    if (only.length > MAX_TYPES) local.only = m.tickAtMost(MAX_TYPES)
    setErrors(local)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const body = {
        code,
        ...(amount ? { amountOffCents: cents, currency } : { percentOff: percent }),
        ...(only.length ? { ticketTypeIds: only } : {}),
        maxUses,
        ...(validUntil ? { validUntil } : {}),
      }
      const created = await api<Voucher>(`/events/${event.id}/vouchers`, { body })
      toast(m.added(created.code), 'success')
      setF(BLANK)
      onChange()
    } catch (err) {
      // Another voucher under the code, added meanwhile: said at the code, and the list shows it.
      if (err instanceof ApiError && err.status === 409 && (err.details as { code?: unknown } | undefined)?.code) {
        setErrors({ code: err.message.replace(/\.?$/, '.') })
        onChange()
      } else {
        setErrors(fieldErrorsOf(err, VOUCHER_FIELD))
        setError(err)
      }
    } finally {
      setBusy(false)
    }
  }

  const onlyHint = m.onlyHint(amount ? currency : undefined)
  return (
    <form class="add-type" ref={addForm} onSubmit={add} noValidate aria-labelledby="add-voucher-title">
      <h3 id="add-voucher-title">{m.addTitle}</h3>
      <div class="row">
        <Field id="nv-code" label={m.code} name="code" value={f.code} onValue={set('code')} error={errors.code} hint={m.codeHint} maxLength={32} autoComplete="off" autoCapitalize="characters" spellcheck={false} placeholder={m.codePlaceholder} />
        <Field id="nv-uses" label={m.maxUses} name="maxUses" type="number" min={1} max={MAX_USES} value={f.maxUses} onValue={set('maxUses')} error={errors.maxUses} hint={m.usesHint} />
        <Field id="nv-until" label={m.validUntilLabel} name="validUntil" type="datetime-local" value={f.validUntil} onValue={set('validUntil')} error={errors.validUntil} hint={m.validUntilHint(zoneLabel(event))} />
      </div>
      <fieldset>
        <legend>{m.kind}</legend>
        <div class="choices">
          <label class="choice">
            <input type="radio" name="kind" value="percent" checked={!amount} onChange={() => setF((x) => ({ ...x, kind: 'percent' }))} />
            {m.percentKind}
          </label>
          <label class="choice">
            <input type="radio" name="kind" value="amount" checked={amount} onChange={() => setF((x) => ({ ...x, kind: 'amount' }))} />
            {m.amountKind}
          </label>
        </div>
        <div class="row">
          <Field id="nv-value" label={amount ? m.amountLabel(currency) : m.percentLabel} name="value" inputMode={amount ? 'decimal' : 'numeric'} value={f.value} onValue={set('value')} error={errors.value} placeholder={amount ? example : '20'} />
          {amount && currencies.length > 1 && (
            <SelectField id="nv-currency" label={m.currency} name="currency" value={currency} onValue={set('currency')} error={errors.currency} options={currencies.map((c): [string, string] => [c, c])} />
          )}
        </div>
      </fieldset>
      {eligible.length > 0 && (
        <fieldset aria-describedby={errors.only ? 'nv-only-hint nv-only-error' : 'nv-only-hint'}>
          <legend>{m.onlyLegend}</legend>
          <p class="field-hint" id="nv-only-hint">
            {onlyHint}
          </p>
          <div class="choices">
            {eligible.map((t) => (
              <label class="choice" key={t.id}>
                <input type="checkbox" name="ticketTypeIds" value={t.id} checked={f.only.includes(t.id)} onChange={(e) => tick(t.id, e.currentTarget.checked)} aria-invalid={errors.only ? true : undefined} />
                {t.name} ({money(t.priceCents, t.currency)})
              </label>
            ))}
          </div>
          {errors.only && (
            <p class="field-error" id="nv-only-error">
              {errors.only}
            </p>
          )}
        </fieldset>
      )}
      <Alert error={error} />
      <button type="submit" class="button" aria-disabled={busy ? true : undefined}>
        {busy ? m.adding : m.add}
      </button>
    </form>
  )
}
