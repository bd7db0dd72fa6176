// An event's waiting room in its editor: switched on for a hot on-sale, buyers join a line and are let
// in at the rate set here (from the opening, when one is set), each for a while to start purchases.
import { WAITING_ROOM_LIMITS } from '@easypass/contracts/orders'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api } from '../lib/api'
import { fromLocalInput, toLocalInput, zoneLabel, zoneOf } from '../lib/format'
import { useAsync } from '../lib/hooks'
import { useT } from '../lib/i18n'
import { eventWaitingRoomText } from '../i18n/admin-event'
import type { EventItem, WaitingRoom } from '../lib/types'
import { toast } from '../components/overlay'
import { Alert, Field, Loading, useFocusFirstInvalid } from '../components/ui'
import { fieldErrorsOf } from './shared'

type Errors = Partial<Record<'admitPerMinute' | 'passMinutes' | 'opensAt', string>>

export function EventWaitingRoom({ event }: { event: EventItem }) {
  const m = useT(eventWaitingRoomText)
  const room = useAsync((signal) => api<WaitingRoom>(`/events/${event.id}/waiting-room`, { signal }), [event.id])
  const [enabled, setEnabled] = useState(false)
  const [perMinute, setPerMinute] = useState('600')
  const [minutes, setMinutes] = useState('15')
  const [opensAt, setOpensAt] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  // What the server has, once loaded (and after each save).
  useEffect(() => {
    const r = room.data
    if (!r) return
    setEnabled(r.enabled)
    if (r.admitPerMinute) setPerMinute(String(r.admitPerMinute))
    if (r.passMinutes) setMinutes(String(r.passMinutes))
    setOpensAt(toLocalInput(r.opensAt, zoneOf(event)))
  }, [room.data])

  const save = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const local: Errors = {}
    const rate = Number(perMinute)
    const turn = Number(minutes)
    if (!Number.isInteger(rate) || rate < 1 || rate > WAITING_ROOM_LIMITS.admitPerMinute) local.admitPerMinute = m.rateInvalid(WAITING_ROOM_LIMITS.admitPerMinute)
    if (!Number.isInteger(turn) || turn < 1 || turn > WAITING_ROOM_LIMITS.passMinutes) local.passMinutes = m.minutesInvalid(WAITING_ROOM_LIMITS.passMinutes)
    const opening = opensAt ? fromLocalInput(opensAt, zoneOf(event)) : null
    if (opensAt && !opening) local.opensAt = m.dateTimeOrEmpty
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      room.setData(await api<WaitingRoom>(`/events/${event.id}/waiting-room`, { method: 'PUT', body: { enabled, admitPerMinute: rate, passMinutes: turn, ...(opening ? { opensAt: opening } : {}) } }))
      toast(enabled ? m.on : m.off, 'success')
    } catch (err) {
      setErrors(fieldErrorsOf(err, { admitPerMinute: 'admitPerMinute', passMinutes: 'passMinutes', opensAt: 'opensAt' }))
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="room-title">
      <h2 id="room-title">{m.title}</h2>
      <p class="muted">
        {m.intro}
      </p>
      {room.error ? <Alert error={room.error} onRetry={room.reload} /> : null}
      {!room.data && !room.error && <Loading label={m.loading} />}
      {room.data?.enabled && <p>{room.data.waiting ? m.waiting(room.data.waiting) : m.nobody}</p>}
      {/* Only once the settings are known: saving the defaults over a room that is on would switch it off. */}
      {room.data && (
      <form class="form" ref={form} onSubmit={save} noValidate>
        <label class="choice">
          <input type="checkbox" name="room-enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} /> {m.enabled}
        </label>
        <div class="row">
          <Field id="room-rate" label={m.rate} name="admitPerMinute" inputMode="numeric" value={perMinute} onValue={setPerMinute} error={errors.admitPerMinute} />
          <Field id="room-turn" label={m.turn} name="passMinutes" inputMode="numeric" value={minutes} onValue={setMinutes} error={errors.passMinutes} />
          <Field id="room-opens" label={m.opens} name="opensAt" type="datetime-local" value={opensAt} onValue={setOpensAt} error={errors.opensAt} hint={m.opensHint(zoneLabel(event))} />
        </div>
        <Alert error={error} />
        <div class="form-actions">
          <button type="submit" class="button" aria-disabled={busy ? true : undefined}>
            {busy ? m.saving : m.save}
          </button>
        </div>
      </form>
      )}
    </section>
  )
}
