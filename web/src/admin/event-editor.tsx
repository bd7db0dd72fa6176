import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, withKey } from '../lib/api'
import { canonicalTimeZone, DEFAULT_TIME_ZONE, zoneOrUtc } from '@easypass/contracts/time-zones'
import { fromLocalInput, localZone, minorDigits, moneyInput, parseMoney, parsePercent, percentInput, toLocalInput, when, zoneLabel, zoneOf } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { t, useT } from '../lib/i18n'
import { eventEditorText, ticketTypesText } from '../i18n/admin-event'
import { forgetEvent, useAvailability, type LiveAvailability } from '../lib/live'
import { Link, navigate } from '../lib/router'
import type { Availability, EventItem, TicketType } from '../lib/types'
import { parseSeating, seatCount, seatingText } from '../lib/seating'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Field, Loading, Notice, SelectField, StatusBadge, TextAreaField, useFocusFirstInvalid } from '../components/ui'
import { CATEGORIES } from '../pages/home'
import { AdminPage, fieldErrorsOf, revenueText, totals } from './shared'
import { cancelEvent, publishEvent } from './events'
import { EventVouchers } from './vouchers'
import { EventPools } from './pools'
import { EventWaitingRoom } from './waiting-room'
import { EventDatesSection } from './dates'
import { EventEmailsSection } from './emails'
import { EventQuestionsSection } from './questions'
import { EVENT_LIMITS } from '@easypass/contracts/catalog'

const TICKET_INFO_MAX = EVENT_LIMITS.ticketInfo

interface EventForm {
  title: string
  description: string
  category: string
  venueName: string
  venueAddress: string
  venueCity: string
  startsAt: string
  endsAt: string
  organizer: string
  imageUrl: string
  ticketInfo: string
  status: string
  /** The venue's IANA zone: the start and end above are read on its clock. */
  timeZone: string
}

/** The browser's own zone, by its canonical name (UTC when it has none the runtime knows). */
const browserZone = () => zoneOrUtc(localZone())

/** A new event's zone is the admin's own to begin with (most make events where they are). */
const emptyForm = (): EventForm => ({ title: '', description: '', category: 'music', venueName: '', venueAddress: '', venueCity: '', startsAt: '', endsAt: '', organizer: '', imageUrl: '', ticketInfo: '', status: 'draft', timeZone: browserZone() })

/** The zones the browser knows, offered as the admin types. */
const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone')
  } catch {
    return []
  }
})()

function toForm(e: EventItem): EventForm {
  return {
    title: e.title,
    description: e.description,
    category: e.category,
    venueName: e.venue.name,
    venueAddress: e.venue.address,
    venueCity: e.venue.city,
    startsAt: toLocalInput(e.startsAt, zoneOf(e)),
    endsAt: toLocalInput(e.endsAt, zoneOf(e)),
    // An event made without a zone was typed on the browser's clock: that zone is offered, and saving keeps its times.
    organizer: e.organizer,
    imageUrl: e.imageUrl ?? '',
    ticketInfo: e.ticketInfo ?? '',
    status: e.status,
    timeZone: zoneOf(e) ?? browserZone(),
  }
}

/** API field paths → form fields. */
const FIELD_OF: Record<string, keyof EventForm> = {
  title: 'title',
  description: 'description',
  category: 'category',
  'venue.name': 'venueName',
  'venue.address': 'venueAddress',
  'venue.city': 'venueCity',
  venue: 'venueName',
  startsAt: 'startsAt',
  endsAt: 'endsAt',
  organizer: 'organizer',
  imageUrl: 'imageUrl',
  ticketInfo: 'ticketInfo',
  status: 'status',
  timeZone: 'timeZone',
}

type Errors = Partial<Record<keyof EventForm, string>>

function validate(f: EventForm): Errors {
  const e: Errors = {}
  const m = t(eventEditorText)
  const required = ['title', 'description', 'category', 'venueName', 'venueAddress', 'venueCity', 'organizer'] as const
  for (const k of required) if (!f[k].trim()) e[k] = m.required[k]
  if (f.category.trim() && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug(f.category))) e.category = m.categorySlug
  const zone = canonicalTimeZone(f.timeZone.trim())
  if (!zone) e.timeZone = m.timeZoneUnknown
  // With no zone known yet, the times are checked on the browser's clock: only the zone is wrong.
  const starts = fromLocalInput(f.startsAt, zone ?? undefined)
  const ends = fromLocalInput(f.endsAt, zone ?? undefined)
  if (!starts) e.startsAt = m.startsNeeded
  if (!ends) e.endsAt = m.endsNeeded
  if (starts && ends && Date.parse(ends) <= Date.parse(starts)) e.endsAt = m.endAfterStart
  // The pages' Content-Security-Policy loads images over https only: an http:// image would never show.
  if (f.imageUrl.trim() && !/^https:\/\/\S+$/.test(f.imageUrl.trim())) e.imageUrl = m.imageUrlInvalid
  if (f.ticketInfo.trim().length > TICKET_INFO_MAX) e.ticketInfo = m.ticketInfoTooLong(TICKET_INFO_MAX, f.ticketInfo.trim().length)
  return e
}

/** `Stand up` → `stand-up`: categories are lowercase slugs. */
function slug(text: string) {
  return text.trim().toLowerCase().replace(/\s+/g, '-')
}

function body(f: EventForm) {
  const timeZone = zoneOrUtc(f.timeZone.trim())
  return {
    title: f.title.trim(),
    description: f.description.trim(),
    category: slug(f.category),
    venue: { name: f.venueName.trim(), address: f.venueAddress.trim(), city: f.venueCity.trim() },
    startsAt: fromLocalInput(f.startsAt, timeZone)!,
    endsAt: fromLocalInput(f.endsAt, timeZone)!,
    timeZone,
    organizer: f.organizer.trim(),
    ...(f.imageUrl.trim() ? { imageUrl: f.imageUrl.trim() } : {}),
    ...(f.ticketInfo.trim() ? { ticketInfo: f.ticketInfo.trim() } : {}),
  }
}

/** Only what changed, so an edit never overwrites fields it did not touch. */
function changes(before: EventItem, f: EventForm) {
  const next = body(f)
  const patch: Record<string, unknown> = {}
  for (const key of ['title', 'description', 'category', 'organizer'] as const) if (next[key] !== before[key]) patch[key] = next[key]
  if (JSON.stringify(next.venue) !== JSON.stringify({ name: before.venue.name, address: before.venue.address, city: before.venue.city })) patch.venue = next.venue
  // A time is sent when its text was edited, not when the same text reads otherwise: another zone alone
  // keeps the event where it is (as the API does), and then shows its times on the new clock.
  // With a time edited and another zone, both are sent as the form shows them on the new clock: the one
  // left unedited would otherwise stay the instant it was on the old clock (not what the form shows).
  const shown = toForm(before)
  const startEdited = f.startsAt !== shown.startsAt
  const endEdited = f.endsAt !== shown.endsAt
  const both = (startEdited || endEdited) && next.timeZone !== before.timeZone
  if (startEdited || both) patch.startsAt = next.startsAt
  if (endEdited || both) patch.endsAt = next.endsAt
  if (next.timeZone !== before.timeZone) patch.timeZone = next.timeZone
  if ((next.imageUrl ?? '') !== (before.imageUrl ?? '')) patch.imageUrl = next.imageUrl ?? null
  if ((next.ticketInfo ?? '') !== (before.ticketInfo ?? '')) patch.ticketInfo = next.ticketInfo ?? null
  return patch
}

export default function AdminEventEditor({ id }: { id?: string }) {
  const creating = !id
  const event = useAsync(async (signal) => (id ? api<EventItem>(`/events/${id}`, { signal }) : undefined), [id])
  // One stream for the ticket types and the vouchers offered on them.
  const live = useAvailability(id)
  const m = useT(eventEditorText)
  useTitle(creating ? m.pageNew : m.pageOf(event.data?.title ?? m.event))
  const [form, setForm] = useState<EventForm>(emptyForm)
  const [errors, setErrors] = useState<Errors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const detailsForm = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(detailsForm, errors)
  // The form is filled from the event once per event id (and again after its own save): reloads for
  // ticket types or Publish must not wipe edits not saved yet.
  // What the form was filled from: a save sends only what was edited since, never another admin's change read by a later reload.
  const filledFrom = useRef<EventItem | undefined>(undefined)
  useEffect(() => {
    if (event.data && filledFrom.current?.id !== event.data.id) {
      filledFrom.current = event.data
      setForm(toForm(event.data))
    }
  }, [event.data])

  const set = (key: keyof EventForm) => (value: string) => setForm((f) => ({ ...f, [key]: value }))

  const save = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    const local = validate(form)
    setErrors(local)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      if (creating) {
        const created = await api<EventItem>('/events', { body: { ...body(form), status: form.status } })
        toast(m.created(created.title), 'success')
        navigate(`/admin/events/${created.id}`, { replace: true })
      } else if (event.data) {
        const patch = changes(filledFrom.current ?? event.data, form)
        if (!Object.keys(patch).length) {
          toast(m.nothingChanged)
        } else {
          const updated = await api<EventItem>(`/events/${event.data.id}`, { method: 'PATCH', body: patch })
          forgetEvent(updated.id)
          event.setData((prev) => ({ ...prev, ...updated, ticketTypes: updated.ticketTypes ?? prev?.ticketTypes }))
          filledFrom.current = updated
          setForm(toForm(updated))
          toast(m.saved, 'success')
        }
      }
    } catch (err) {
      setErrors(fieldErrorsOf(err, FIELD_OF))
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  const run = async (action: () => Promise<unknown>) => {
    setError(undefined)
    try {
      await action()
      event.reload()
    } catch (err) {
      setError(err)
    }
  }

  const remove = async () => {
    if (!event.data) return
    const ok = await confirmDialog({ title: m.deleteTitle(event.data.title), message: m.deleteMessage, confirmLabel: m.delete, danger: true })
    if (!ok) return
    try {
      await api(`/events/${event.data.id}`, { method: 'DELETE' })
      forgetEvent(event.data.id)
      toast(m.deleted, 'success')
      navigate('/admin')
    } catch (err) {
      setError(err instanceof ApiError && err.status === 409 ? m.soldCancelInstead(err.message.replace(/\.?$/, '.')) : err)
    }
  }

  if (!creating && event.error)
    return (
      <AdminPage title={m.event}>
        <Alert error={event.error} onRetry={event.reload} />
      </AdminPage>
    )
  // Another date of the series opened from this one: the previous date's data is not shown (or saved) as this one's while it loads.
  if (!creating && (!event.data || event.data.id.toLowerCase() !== id!.toLowerCase()))
    return (
      <AdminPage title={m.event}>
        <Loading label={m.loading} />
      </AdminPage>
    )
  const e = event.data
  const types = e ? currentTypes(e, live.availability) : []

  return (
    <AdminPage
      title={creating ? m.newEvent : e!.title}
      sub={e ? <>{m.starts(when(e.startsAt, zoneOf(e)))} · <StatusBadge status={e.status} of="event" /> · <Link href={`/events/${e.id}`}>{m.publicPage}</Link></> : m.createSub}
      actions={
        e && (
          <>
            <Link class="button button-secondary" href={`/admin/events/${e.id}/attendees`}>
              {m.attendees}
            </Link>
            {e.status === 'draft' && (
              <button type="button" class="button" onClick={() => run(() => publishEvent(e))}>
                {m.publish}
              </button>
            )}
            {e.status === 'published' && (
              <button type="button" class="button button-danger" onClick={() => run(() => cancelEvent(e))}>
                {m.cancelEvent}
              </button>
            )}
            {e.status !== 'cancelled' && (
              <button type="button" class="button button-secondary" onClick={remove}>
                {m.delete}
              </button>
            )}
          </>
        )
      }
    >
      <Alert error={error} />
      <form class="card form event-form" ref={detailsForm} onSubmit={save} noValidate aria-labelledby="details-title">
        <h2 id="details-title">{m.details}</h2>
        <Field label={m.title} name="title" value={form.title} onValue={set('title')} error={errors.title} required />
        <TextAreaField label={m.description} name="description" rows={4} value={form.description} onValue={set('description')} error={errors.description} required />
        <div class="row">
          <Field label={m.category} name="category" list="category-options" value={form.category} onValue={set('category')} error={errors.category} hint={m.categoryHint} required />
          <datalist id="category-options">
            {CATEGORIES.map((c) => (
              <option value={c} key={c} />
            ))}
          </datalist>
          <Field label={m.organizer} name="organizer" value={form.organizer} onValue={set('organizer')} error={errors.organizer} required />
        </div>
        <fieldset>
          <legend>{m.venue}</legend>
          <div class="row">
            <Field label={m.venueName} name="venueName" value={form.venueName} onValue={set('venueName')} error={errors.venueName} required />
            <Field label={m.address} name="venueAddress" value={form.venueAddress} onValue={set('venueAddress')} error={errors.venueAddress} required />
            <Field label={m.city} name="venueCity" value={form.venueCity} onValue={set('venueCity')} error={errors.venueCity} required />
          </div>
        </fieldset>
        <div class="row">
          <Field label={m.startsLabel} name="startsAt" type="datetime-local" value={form.startsAt} onValue={set('startsAt')} error={errors.startsAt} hint={m.timesHint(form.timeZone.trim() || DEFAULT_TIME_ZONE)} required />
          <Field label={m.ends} name="endsAt" type="datetime-local" value={form.endsAt} onValue={set('endsAt')} error={errors.endsAt} min={form.startsAt || undefined} required />
          <Field label={m.timeZone} name="timeZone" list="time-zone-options" value={form.timeZone} onValue={set('timeZone')} error={errors.timeZone} hint={m.timeZoneHint} autocomplete="off" required />
          <datalist id="time-zone-options">
            {ZONES.map((zone) => (
              <option value={zone} key={zone} />
            ))}
          </datalist>
        </div>
        <Field label={m.imageUrl} name="imageUrl" type="url" value={form.imageUrl} onValue={set('imageUrl')} error={errors.imageUrl} placeholder="https://…" />
        <TextAreaField
          label={m.ticketInfo}
          name="ticketInfo"
          rows={3}
          value={form.ticketInfo}
          onValue={set('ticketInfo')}
          error={errors.ticketInfo}
          placeholder={m.ticketInfoPlaceholder}
          hint={m.ticketInfoHint}
        />
        {creating && (
          <SelectField
            label={m.visibility}
            name="status"
            value={form.status}
            onValue={set('status')}
            options={[
              ['draft', m.draftOption],
              ['published', m.publishedOption],
            ]}
          />
        )}
        <div class="form-actions">
          <button type="submit" class="button" disabled={busy}>
            {busy ? m.saving : creating ? m.create : m.saveChanges}
          </button>
          <Link class="button button-secondary" href="/admin">
            {m.backToEvents}
          </Link>
        </div>
      </form>
      {e && <TicketTypes key={e.id} event={e} types={types} live={live} onChange={event.reload} />}
      {e && (
        <EventPools
          key={e.id}
          event={e}
          types={types}
          pools={live.availability?.pools}
          onChange={() => {
            forgetEvent(e.id)
            event.reload()
            live.refresh()
          }}
        />
      )}
      {e && <EventVouchers key={e.id} event={e} types={types} />}
      {e && <EventWaitingRoom key={e.id} event={e} />}
      {e && <EventQuestionsSection key={e.id} event={e} />}
      {e && <EventEmailsSection key={e.id} event={e} />}
      {e && <EventDatesSection key={e.id} event={e} />}
    </AdminPage>
  )
}

const TYPE_FIELD: Record<string, 'name' | 'price' | 'currency' | 'capacity' | 'maxPerOrder' | 'tax' | 'salesStart' | 'salesEnd' | 'seats' | 'variationOf'> = {
  name: 'name',
  variationOf: 'variationOf',
  seating: 'seats',
  taxRateBasisPoints: 'tax',
  priceCents: 'price',
  currency: 'currency',
  capacity: 'capacity',
  maxPerOrder: 'maxPerOrder',
  salesStart: 'salesStart',
  salesEnd: 'salesEnd',
}

/** Live availability lists the types as they are now; the event's own list is a snapshot (empty when ticketing did not answer). */
function currentTypes(event: EventItem, availability: Availability | undefined): TicketType[] {
  // What the live view leaves out (no tax rate, no extra mark, no product any more) is gone, not the snapshot's.
  return availability ? availability.ticketTypes.map((a) => ({ ...event.ticketTypes?.find((x) => x.id === a.id), taxRateBasisPoints: undefined, addOn: undefined, variationOf: undefined, ...a })) : (event.ticketTypes ?? [])
}

function TicketTypes({ event, types, live, onChange }: { event: EventItem; types: TicketType[]; live: LiveAvailability; onChange: () => void }) {
  const unknown = !live.availability && (event.availabilityUnavailable || !!live.error)
  const m = useT(ticketTypesText)
  const t = totals(live.availability, event.currency ?? 'EUR')
  const changed = () => {
    forgetEvent(event.id)
    onChange()
    live.refresh()
  }
  return (
    <section class="card" aria-labelledby="types-title">
      <h2 id="types-title">{m.title}</h2>
      {live.availability && (
        <p class="muted">
          {m.summary(t.sold, t.held, t.available, t.capacity, revenueText(t))}
        </p>
      )}
      {types.length === 0 &&
        (unknown ? (
          <Alert tone="warning" error={m.unavailable} onRetry={changed} />
        ) : (
          <Notice>{m.none}</Notice>
        ))}
      {types.length > 0 && (
        <ul class="type-list">
          {types.map((tt) => (
            <TicketTypeRow key={tt.id} eventId={event.id} zone={zoneOf(event)} type={tt} stats={live.availability?.ticketTypes.find((a) => a.id === tt.id)} products={productsOf(types)} onChange={changed} />
          ))}
        </ul>
      )}
      {event.status !== 'cancelled' && <AddTicketType event={event} products={productsOf(types)} onAdded={changed} />}
    </section>
  )
}

function TicketTypeRow({ eventId, zone, type, stats, products, onChange }: { eventId: string; zone: string | undefined; type: TicketType; stats?: { sold: number; held: number; available: number; capacity: number; priceCents: number }; products: string[]; onChange: () => void }) {
  const priceCents = stats?.priceCents ?? type.priceCents
  const capacity = stats?.capacity ?? type.capacity
  // The fields as stored; a reload after a save (or another admin's change) resets only the fields it changed.
  const stored = {
    name: type.name,
    price: moneyInput(priceCents, type.currency),
    currency: type.currency,
    capacity: String(capacity),
    maxPerOrder: type.maxPerOrder ? String(type.maxPerOrder) : '',
    tax: percentInput(type.taxRateBasisPoints),
    salesStart: toLocalInput(type.salesStart, zone),
    salesEnd: toLocalInput(type.salesEnd, zone),
    seats: seatingText(type.seating),
    addOn: type.addOn ? 'yes' : '',
    variationOf: type.variationOf ?? '',
  }
  const m = useT(ticketTypesText)
  const [f, setF] = useState(stored)
  const set = (key: keyof typeof stored) => (value: string) => setF((x) => ({ ...x, [key]: value }))
  const storedKey = JSON.stringify(stored)
  const previous = useRef(stored)
  useEffect(() => {
    const before = previous.current
    previous.current = stored
    setF((x) => {
      const next = { ...x }
      for (const key of Object.keys(stored) as Array<keyof typeof stored>) if (stored[key] !== before[key]) next[key] = stored[key]
      return next
    })
  }, [storedKey])
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const rowForm = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(rowForm, errors)
  const sold = stats?.sold ?? type.sold ?? 0

  const save = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    const local: Record<string, string> = {}
    const name = f.name.trim()
    const currency = f.currency.trim().toUpperCase()
    if (!name) local.name = m.nameNeeded
    if (!/^[A-Z]{3}$/.test(currency)) local.currency = m.currencyCode
    const cents = local.currency ? null : parseMoney(f.price, currency)
    if (!local.currency && cents === null) local.price = m.priceLike(moneyInput(4500 * 10 ** (minorDigits(currency) - 2), currency))
    if (!/^\d+$/.test(f.capacity)) local.capacity = m.wholeNumber
    // An existing type always has a limit: an empty field would be sent as nothing and look saved.
    if (!/^[1-9]\d*$/.test(f.maxPerOrder)) local.maxPerOrder = m.maxPerOrderNeeded
    const tax = parsePercent(f.tax)
    if (tax === null) local.tax = m.taxInvalid
    // Seats, once given, stay: a new layout replaces the old one (it must keep the seats held or sold).
    const seating = f.seats.trim() !== stored.seats ? (f.seats.trim() || type.seating ? parseSeating(f.seats) : undefined) : undefined
    if (seating && 'error' in seating) local.seats = type.seating && !f.seats.trim() ? m.seatedKeepsSeats : seating.error
    const salesStart = fromLocalInput(f.salesStart, zone)
    const salesEnd = fromLocalInput(f.salesEnd, zone)
    if (f.salesStart && !salesStart) local.salesStart = m.dateTimeOrEmpty
    if (f.salesEnd && !salesEnd) local.salesEnd = m.dateTimeOrEmpty
    if (salesStart && salesEnd && salesEnd <= salesStart) local.salesEnd = m.salesEndAfterStart
    setErrors(local)
    if (Object.keys(local).length) return
    // Only what this admin changed is sent: a field left as it was never overwrites another admin's change.
    const patch: Record<string, unknown> = {}
    if (name !== type.name) patch.name = name
    if (currency !== type.currency) patch.currency = currency
    if (cents !== priceCents || currency !== type.currency) patch.priceCents = cents
    if (seating && !('error' in seating)) patch.seating = seating
    else if (Number(f.capacity) !== capacity && !type.seating) patch.capacity = Number(f.capacity)
    if (f.maxPerOrder && Number(f.maxPerOrder) !== type.maxPerOrder) patch.maxPerOrder = Number(f.maxPerOrder)
    if (tax !== null && tax !== (type.taxRateBasisPoints ?? 0)) patch.taxRateBasisPoints = tax
    if (f.salesStart !== stored.salesStart) patch.salesStart = salesStart
    if (f.salesEnd !== stored.salesEnd) patch.salesEnd = salesEnd
    if (f.addOn !== stored.addOn) patch.addOn = f.addOn === 'yes'
    if (f.variationOf.trim() !== stored.variationOf) patch.variationOf = f.variationOf.trim() || null
    if (!Object.keys(patch).length) return toast(t(eventEditorText).nothingChanged)
    setBusy(true)
    try {
      await api(`/events/${eventId}/ticket-types/${type.id}`, { method: 'PATCH', body: patch })
      toast(m.updated(name), 'success')
      onChange()
    } catch (err) {
      setErrors(fieldErrorsOf(err, TYPE_FIELD))
      setError(
        err instanceof ApiError && err.status === 409
          ? `${err.message.replace(/\.?$/, '.')} ${patch.seating ? m.seatsMustStay : m.capacityTooLow}`
          : err,
      )
    } finally {
      setBusy(false)
    }
  }

  const remove = async () => {
    const ok = await confirmDialog({ title: m.removeTitle(type.name), message: m.removeMessage, confirmLabel: m.remove, danger: true })
    if (!ok) return
    setError(undefined)
    try {
      await api(`/events/${eventId}/ticket-types/${type.id}`, { method: 'DELETE' })
      toast(m.removed(type.name), 'success')
      onChange()
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 409
          ? m.cannotRemove(type.name, sold)
          : err,
      )
    }
  }

  const id = `tt-${type.id}`
  return (
    <li class="type-row" data-ticket-type={type.id}>
      <form ref={rowForm} onSubmit={save} noValidate aria-labelledby={`${id}-name`}>
        <div class="type-head">
          <h3 id={`${id}-name`}>{type.name}</h3>
          <p class="muted small">
            {m.stats(sold, stats?.held ?? 0, stats?.available ?? capacity - sold)}
            {type.salesStart ? m.onSaleFrom(when(type.salesStart, zone)) : ''}
            {type.salesEnd ? m.until(when(type.salesEnd, zone)) : ''}
            {type.addOn ? m.isExtra : ''}
            {type.variationOf ? m.isVariation(type.variationOf) : ''}
          </p>
        </div>
        <div class="row">
          <Field id={`${id}-rename`} label={m.name} name="name" value={f.name} onValue={set('name')} error={errors.name} />
          <Field id={`${id}-price`} label={m.priceIn(/^[A-Za-z]{3}$/.test(f.currency.trim()) ? f.currency.trim().toUpperCase() : type.currency)} name="price" inputMode="decimal" value={f.price} onValue={set('price')} error={errors.price} />
          <Field id={`${id}-currency`} label={m.currency} name="currency" value={f.currency} onValue={set('currency')} error={errors.currency} maxLength={3} />
        </div>
        <div class="row">
          <Field
            id={`${id}-capacity`}
            label={m.capacity}
            name="capacity"
            type="number"
            min={0}
            value={f.capacity}
            onValue={set('capacity')}
            error={errors.capacity}
            readOnly={!!type.seating}
            hint={type.seating ? m.capacitySeated : undefined}
          />
          <Field id={`${id}-max`} label={m.maxPerOrder} name="maxPerOrder" type="number" min={1} value={f.maxPerOrder} onValue={set('maxPerOrder')} error={errors.maxPerOrder} />
          <Field id={`${id}-tax`} label={m.tax} name="tax" inputMode="decimal" value={f.tax} onValue={set('tax')} error={errors.tax} hint={m.taxHint} />
        </div>
        <div class="row">
          <Field id={`${id}-start`} label={m.salesStart} name="salesStart" type="datetime-local" value={f.salesStart} onValue={set('salesStart')} error={errors.salesStart} hint={m.salesStartHint(zone ?? localZone())} />
          <Field id={`${id}-end`} label={m.salesEnd} name="salesEnd" type="datetime-local" value={f.salesEnd} onValue={set('salesEnd')} error={errors.salesEnd} hint={m.salesEndHint} />
        </div>
        {(type.seating || sold + (stats?.held ?? 0) === 0) && (
          <Field
            id={`${id}-seats`}
            label={type.seating ? m.seats : m.seatsOptional}
            name="seats"
            value={f.seats}
            onValue={set('seats')}
            error={errors.seats}
            hint={m.seatsHint}
          />
        )}
        <AddOnChoice id={`${id}-addon`} checked={f.addOn === 'yes'} onChange={(on) => set('addOn')(on ? 'yes' : '')} />
        <VariationField id={`${id}-variation`} value={f.variationOf} onValue={set('variationOf')} error={errors.variationOf} products={products} />
        <p class="muted small">{m.appliesLater}</p>
        <Alert error={error} />
        <div class="form-actions">
          <button type="submit" class="button button-small" disabled={busy}>
            {m.save(type.name)}
          </button>
          <button type="button" class="button button-small button-secondary" onClick={remove}>
            {m.removeType(type.name)}
          </button>
        </div>
      </form>
    </li>
  )
}

/** Whether a type is an extra (parking, a T-shirt): buyers get it only with tickets, one per ticket at most. */
function AddOnChoice({ id, checked, onChange }: { id: string; checked: boolean; onChange: (on: boolean) => void }) {
  const m = useT(ticketTypesText)
  return (
    <div class="field">
      <label class="choice">
        <input type="checkbox" id={id} name="addOn" checked={checked} aria-describedby={`${id}-hint`} onChange={(e) => onChange(e.currentTarget.checked)} /> {m.addOn}
      </label>
      <p class="field-hint" id={`${id}-hint`}>
        {m.addOnHint}
      </p>
    </div>
  )
}

/** The products the event's types are variations of, for the field's suggestions. */
const productsOf = (types: TicketType[]) => [...new Set(types.flatMap((t) => (t.variationOf ? [t.variationOf] : [])))]

/** The product a type is one variation of (a T-shirt's size): buyers see a product's types together. */
function VariationField({ id, value, onValue, error, products = [] }: { id: string; value: string; onValue: (value: string) => void; error?: string; products?: string[] }) {
  const m = useT(ticketTypesText)
  return (
    <>
      <Field id={id} label={m.variationOf} name="variationOf" value={value} onValue={onValue} error={error} hint={m.variationOfHint} maxLength={100} list={products.length ? `${id}-products` : undefined} />
      {products.length > 0 && (
        <datalist id={`${id}-products`}>
          {products.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      )}
    </>
  )
}

function AddTicketType({ event, products, onAdded }: { event: EventItem; products: string[]; onAdded: () => void }) {
  const blank = { name: '', price: '', currency: event.ticketTypes?.[0]?.currency ?? event.currency ?? 'EUR', capacity: '', maxPerOrder: '', tax: percentInput(event.ticketTypes?.[0]?.taxRateBasisPoints), salesStart: '', salesEnd: '', seats: '', addOn: '', variationOf: '' }
  const m = useT(ticketTypesText)
  const [f, setF] = useState(blank)
  const [errors, setErrors] = useState<Partial<Record<keyof typeof blank, string>>>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const addForm = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(addForm, errors)
  const set = (key: keyof typeof blank) => (value: string) => setF((x) => ({ ...x, [key]: value }))

  const add = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    const local: Partial<Record<keyof typeof blank, string>> = {}
    const currency = f.currency.trim().toUpperCase()
    if (!f.name.trim()) local.name = m.nameLike
    if (!/^[A-Z]{3}$/.test(currency)) local.currency = m.currencyCode
    const cents = local.currency ? null : parseMoney(f.price, currency)
    if (!local.currency && cents === null) local.price = m.priceLike(m.pricePlaceholder)
    // With numbered seats the capacity is their number (typed or not, it must agree).
    const seating = f.seats.trim() ? parseSeating(f.seats) : undefined
    if (seating && 'error' in seating) local.seats = seating.error
    const seats = seating && !('error' in seating) ? seatCount(seating) : undefined
    if (seats !== undefined && f.capacity.trim() && Number(f.capacity) !== seats) local.capacity = m.capacityIsSeats(seats)
    else if (seats === undefined && !/^[1-9]\d*$/.test(f.capacity)) local.capacity = m.capacityNeeded
    if (f.maxPerOrder && !/^[1-9]\d*$/.test(f.maxPerOrder)) local.maxPerOrder = m.maxPerOrderInvalid
    const tax = parsePercent(f.tax)
    if (tax === null) local.tax = m.taxInvalid
    const salesStart = fromLocalInput(f.salesStart, zoneOf(event))
    const salesEnd = fromLocalInput(f.salesEnd, zoneOf(event))
    if (salesStart && salesEnd && salesEnd <= salesStart) local.salesEnd = m.salesEndAfterStart
    setErrors(local)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const body = {
        name: f.name.trim(),
        priceCents: cents,
        currency,
        capacity: seats ?? Number(f.capacity),
        ...(seating && !('error' in seating) ? { seating } : {}),
        ...(f.maxPerOrder ? { maxPerOrder: Number(f.maxPerOrder) } : {}),
        ...(tax ? { taxRateBasisPoints: tax } : {}),
        ...(salesStart ? { salesStart } : {}),
        ...(salesEnd ? { salesEnd } : {}),
        ...(f.addOn ? { addOn: true } : {}),
        ...(f.variationOf.trim() ? { variationOf: f.variationOf.trim() } : {}),
      }
      // A retry after a lost answer or a 503 carries the same key: the type is created once.
      await withKey(`ticket-type:${event.id}:${JSON.stringify(body)}`, (idempotencyKey) => api(`/events/${event.id}/ticket-types`, { body, idempotencyKey }))
      toast(m.added(f.name.trim()), 'success')
      setF(blank)
      onAdded()
    } catch (err) {
      setErrors(fieldErrorsOf(err, TYPE_FIELD))
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="add-type" ref={addForm} onSubmit={add} noValidate aria-labelledby="add-type-title">
      <h3 id="add-type-title">{m.addTitle}</h3>
      <div class="row">
        <Field id="nt-name" label={m.name} name="name" value={f.name} onValue={set('name')} error={errors.name} placeholder={m.namePlaceholder} />
        <Field id="nt-price" label={m.price} name="price" inputMode="decimal" value={f.price} onValue={set('price')} error={errors.price} placeholder={m.pricePlaceholder} />
        <Field id="nt-currency" label={m.currency} name="currency" value={f.currency} onValue={set('currency')} error={errors.currency} maxLength={3} />
      </div>
      <div class="row">
        <Field id="nt-capacity" label={m.capacity} name="capacity" type="number" min={1} value={f.capacity} onValue={set('capacity')} error={errors.capacity} hint={f.seats.trim() ? m.capacitySeatsHint : undefined} />
        <Field id="nt-max" label={m.maxPerOrderOptional} name="maxPerOrder" type="number" min={1} value={f.maxPerOrder} onValue={set('maxPerOrder')} error={errors.maxPerOrder} />
        <Field id="nt-tax" label={m.taxOptional} name="tax" inputMode="decimal" value={f.tax} onValue={set('tax')} error={errors.tax} hint={m.taxHintNew} />
      </div>
      <div class="row">
        <Field id="nt-start" label={m.salesStartOptional} name="salesStart" type="datetime-local" value={f.salesStart} onValue={set('salesStart')} error={errors.salesStart} hint={m.inEventZone(zoneLabel(event))} />
        <Field id="nt-end" label={m.salesEndOptional} name="salesEnd" type="datetime-local" value={f.salesEnd} onValue={set('salesEnd')} error={errors.salesEnd} />
      </div>
      <Field
        id="nt-seats"
        label={m.seatsOptional}
        name="seats"
        value={f.seats}
        onValue={set('seats')}
        error={errors.seats}
        placeholder="A:12, B:14"
        hint={m.seatsHintNew}
      />
      <AddOnChoice id="nt-addon" checked={f.addOn === 'yes'} onChange={(on) => set('addOn')(on ? 'yes' : '')} />
      <VariationField id="nt-variation" value={f.variationOf} onValue={set('variationOf')} error={errors.variationOf} products={products} />
      <Alert error={error} />
      <button type="submit" class="button" disabled={busy}>
        {busy ? m.adding : m.add}
      </button>
    </form>
  )
}
