// Shared capacity in the event editor: pools of ticket types that together sell at most a number of
// tickets (a hall of 500 whose early-bird, standard and student tickets never pass 500), with their
// live numbers; adding one, changing its capacity, removing it.
import { POOL_LIMITS, TICKET_TYPE_LIMITS } from '@easypass/contracts/inventory'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, uuid } from '../lib/api'
import type { AvailabilityPool, EventItem, TicketType } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Field, Notice, useFocusFirstInvalid } from '../components/ui'
import { t, useT } from '../lib/i18n'
import { poolsText } from '../i18n/admin-orders'
import { fieldErrorsOf } from './shared'

const capacityProblem = (text: string) => {
  const n = Number(text)
  return Number.isInteger(n) && n >= 1 && n <= TICKET_TYPE_LIMITS.capacity ? undefined : t(poolsText).capacityRange(TICKET_TYPE_LIMITS.capacity)
}

function PoolRow({ eventId, pool, types, onChange }: { eventId: string; pool: AvailabilityPool; types: TicketType[]; onChange: () => void }) {
  const [capacity, setCapacity] = useState(String(pool.capacity))
  const [fieldError, setFieldError] = useState<string>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  // Changed here or by someone else: the field shows the capacity it has now.
  useEffect(() => setCapacity(String(pool.capacity)), [pool.capacity])
  const m = useT(poolsText)
  const names = pool.ticketTypeIds.map((id) => types.find((t) => t.id === id)?.name ?? m.removedType)
  const save = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const problem = capacityProblem(capacity)
    setFieldError(problem)
    setError(undefined)
    if (problem) return
    setBusy(true)
    try {
      await api(`/events/${eventId}/pools/${pool.id}`, { method: 'PATCH', body: { capacity: Number(capacity) } })
      toast(t(poolsText).saved(pool.name, capacity), 'success')
      onChange()
    } catch (err) {
      // Refused for its value (below what sold and is held): said at the field.
      if (err instanceof ApiError && err.status < 500) setFieldError(err.message)
      else setError(err)
    } finally {
      setBusy(false)
    }
  }
  const remove = async () => {
    const words = t(poolsText)
    const ok = await confirmDialog({ title: words.removeTitle(pool.name), message: words.removeMessage(names.join(', ')), confirmLabel: words.remove, cancelLabel: words.keep, danger: true })
    if (!ok) return
    try {
      await api(`/events/${eventId}/pools/${pool.id}`, { method: 'DELETE' })
      toast(t(poolsText).removed(pool.name), 'success')
      onChange()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <li data-pool={pool.id}>
      <p>
        <strong>{pool.name}</strong>
        {m.numbers(names.join(', '), pool.capacity, pool.sold, pool.held, pool.available)}
      </p>
      <form class="inline-form" onSubmit={save} noValidate>
        <Field id={`pool-cap-${pool.id}`} label={m.capacityOf(pool.name)} name="capacity" inputMode="numeric" value={capacity} onValue={setCapacity} error={fieldError} />
        <button type="submit" class="button button-secondary" aria-disabled={busy ? true : undefined}>
          {m.save}
        </button>{' '}
        <button type="button" class="link-button" onClick={remove}>
          {m.remove}
        </button>
      </form>
      <Alert error={error} />
    </li>
  )
}

function AddPool({ eventId, types, onAdded }: { eventId: string; types: TicketType[]; onAdded: () => void }) {
  const [name, setName] = useState('')
  const [capacity, setCapacity] = useState('')
  const [chosen, setChosen] = useState<string[]>([])
  const [errors, setErrors] = useState<Partial<Record<'name' | 'capacity' | 'types', string>>>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  // One key per form filled in: pressing Add again after a lost answer adds one pool.
  const key = useRef(uuid())
  const m = useT(poolsText)
  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const local: typeof errors = {}
    if (!name.trim()) local.name = m.nameNeeded
    const problem = capacityProblem(capacity)
    if (problem) local.capacity = problem
    if (chosen.length < 2) local.types = m.typesNeeded
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      await api(`/events/${eventId}/pools`, { body: { name: name.trim(), capacity: Number(capacity), ticketTypeIds: chosen }, idempotencyKey: key.current })
      toast(t(poolsText).added(name.trim()), 'success')
      setName('')
      setCapacity('')
      setChosen([])
      key.current = uuid()
      onAdded()
    } catch (err) {
      setErrors(fieldErrorsOf(err, { name: 'name', capacity: 'capacity', ticketTypeIds: 'types' }))
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="form" ref={form} onSubmit={submit} noValidate>
      <h3>{m.add}</h3>
      <div class="row">
        <Field id="pool-name" label={m.name} name="name" value={name} onValue={setName} error={errors.name} maxLength={POOL_LIMITS.name} />
        <Field id="pool-capacity" label={m.capacity} name="capacity" inputMode="numeric" value={capacity} onValue={setCapacity} error={errors.capacity} />
      </div>
      <fieldset aria-describedby={errors.types ? 'pool-types-error' : undefined}>
        <legend>{m.types}</legend>
        <div class="choices">
          {types.map((t) => (
            <label class="choice" key={t.id}>
              <input
                type="checkbox"
                name="ticketTypeIds"
                value={t.id}
                aria-invalid={errors.types ? true : undefined}
                checked={chosen.includes(t.id)}
                onChange={(e) => setChosen((c) => (e.currentTarget.checked ? [...c, t.id] : c.filter((id) => id !== t.id)))}
              />
              {t.name}
            </label>
          ))}
        </div>
        {errors.types && (
          <p class="field-error" id="pool-types-error">
            {errors.types}
          </p>
        )}
      </fieldset>
      <Alert error={error} />
      <div class="form-actions">
        <button type="submit" class="button" aria-disabled={busy ? true : undefined}>
          {busy ? m.adding : m.addPool}
        </button>
      </div>
    </form>
  )
}

export function EventPools({ event, types, pools, onChange }: { event: EventItem; types: TicketType[]; pools: AvailabilityPool[] | undefined; onChange: () => void }) {
  const m = useT(poolsText)
  return (
    <section class="card" aria-labelledby="pools-title">
      <h2 id="pools-title">{m.title}</h2>
      <p class="muted">{m.intro}</p>
      {pools?.length ? (
        <ul class="type-list">
          {pools.map((p) => (
            <PoolRow key={p.id} eventId={event.id} pool={p} types={types} onChange={onChange} />
          ))}
        </ul>
      ) : (
        <Notice>{m.none}</Notice>
      )}
      {event.status !== 'cancelled' && types.length >= 2 && <AddPool eventId={event.id} types={types} onAdded={onChange} />}
    </section>
  )
}
