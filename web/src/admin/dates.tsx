// More dates of an event in its editor: the dates its series has, and new ones added as copies (its
// ticket types included), every so many days from a first new date.
import { MAX_NEW_DATES } from '@easypass/contracts/catalog'
import { useRef, useState } from 'preact/hooks'
import { api, withKey } from '../lib/api'
import { fromLocalInput, repeatDates, toLocalInput, when, zoneLabel, zoneOf } from '../lib/format'
import { useAsync } from '../lib/hooks'
import { useT } from '../lib/i18n'
import { eventDatesText } from '../i18n/admin-event'
import { Link } from '../lib/router'
import type { EventItem, List } from '../lib/types'
import { toast } from '../components/overlay'
import { Alert, Field, SelectField, StatusBadge, useFocusFirstInvalid } from '../components/ui'

export function EventDatesSection({ event }: { event: EventItem }) {
  const m = useT(eventDatesText)
  const every: Array<[string, string]> = [
    ['7', m.every.week],
    ['1', m.every.day],
    ['14', m.every.twoWeeks],
  ]
  const seriesId = event.seriesId ?? event.id
  // The dates are typed and repeated on the venue's clock: 20:00 every Friday stays 20:00 across a clock change.
  const zone = zoneOf(event)
  const series = useAsync(
    (signal) => (event.seriesId ? api<List<EventItem>>(`/events?seriesId=${seriesId}&status=all&limit=100`, { signal }) : Promise.resolve(undefined)),
    [seriesId, event.seriesId],
  )
  const [added, setAdded] = useState<EventItem[]>([])
  // A week later at the same local time of day (a clock change in between included).
  const nextWeek = toLocalInput(repeatDates(new Date(event.startsAt), 7, 2, zone)[1], zone)
  const [f, setF] = useState({ first: nextWeek, every: '7', count: '4' })
  const [errors, setErrors] = useState<{ first?: string; count?: string }>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  const set = (key: keyof typeof f) => (value: string) => setF((x) => ({ ...x, [key]: value }))
  const others = [...(series.data?.items ?? []), ...added].filter((e, i, all) => e.id !== event.id && all.findIndex((x) => x.id === e.id) === i)

  const submit = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    const local: typeof errors = {}
    const first = fromLocalInput(f.first, zone)
    if (!first) local.first = m.firstNeeded
    else if (Date.parse(first) <= Date.now()) local.first = m.inFuture
    const count = Number(f.count)
    if (!/^[1-9]\d*$/.test(f.count) || count > MAX_NEW_DATES) local.count = m.countInvalid(MAX_NEW_DATES)
    setErrors(local)
    if (Object.keys(local).length) return
    const startsAt = repeatDates(new Date(first!), Number(f.every), count, zone)
    setBusy(true)
    try {
      // A retry after a lost answer or a 503 carries the same key: the dates are added once.
      const answer = await withKey(`dates:${event.id}:${startsAt.join()}`, (idempotencyKey) => api<{ items: EventItem[] }>(`/events/${event.id}/dates`, { body: { startsAt }, idempotencyKey }))
      setAdded((a) => [...a, ...answer.items])
      // The next dates go on from the last one added.
      setF((x) => ({ ...x, first: toLocalInput(repeatDates(new Date(startsAt[startsAt.length - 1]!), Number(x.every), 2, zone)[1], zone) }))
      toast(m.added(answer.items.length), 'success')
      series.reload()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="dates-title">
      <h2 id="dates-title">{m.title}</h2>
      <p class="muted">{m.intro}</p>
      {series.error ? <Alert error={series.error} onRetry={series.reload} /> : null}
      {others.length > 0 && (
        <ul class="type-list" aria-label={m.others}>
          {others
            .sort((a, b) => a.startsAt.localeCompare(b.startsAt))
            .map((d) => (
              <li key={d.id} class="date-row">
                <Link href={`/admin/events/${d.id}`}>{when(d.startsAt, zone)}</Link> <StatusBadge status={d.status} of="event" />
              </li>
            ))}
        </ul>
      )}
      {event.status !== 'cancelled' && (
        <form class="add-type" ref={form} onSubmit={submit} noValidate aria-labelledby="add-dates-title">
          <h3 id="add-dates-title">{m.addTitle}</h3>
          <div class="row">
            <Field id="nd-first" label={m.first} name="first" type="datetime-local" value={f.first} onValue={set('first')} error={errors.first} hint={m.inEventZone(zoneLabel(event))} />
            <SelectField id="nd-every" label={m.then} name="every" value={f.every} onValue={set('every')} options={every} />
            <Field id="nd-count" label={m.count} name="count" type="number" min={1} max={MAX_NEW_DATES} value={f.count} onValue={set('count')} error={errors.count} />
          </div>
          <Alert error={error} />
          <button type="submit" class="button" disabled={busy}>
            {busy ? m.adding : m.add}
          </button>
        </form>
      )}
    </section>
  )
}
