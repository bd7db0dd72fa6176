// Shared capacity in the event editor: pools of ticket types that together sell at most a number of
// tickets (a hall of 500 whose early-bird, standard and student tickets never pass 500), with their
// live numbers; adding one, changing its capacity, removing it.
import { POOL_LIMITS, TICKET_TYPE_LIMITS } from '@easypass/contracts/inventory'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, uuid } from '../lib/api'
import type { AvailabilityPool, EventItem, TicketType } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Field, Notice, useFocusFirstInvalid } from '../components/ui'
import { fieldErrorsOf } from './shared'

const capacityProblem = (text: string) => {
  const n = Number(text)
  return Number.isInteger(n) && n >= 1 && n <= TICKET_TYPE_LIMITS.capacity ? undefined : `A whole number from 1 to ${TICKET_TYPE_LIMITS.capacity.toLocaleString()}.`
}

function PoolRow({ eventId, pool, types, onChange }: { eventId: string; pool: AvailabilityPool; types: TicketType[]; onChange: () => void }) {
  const [capacity, setCapacity] = useState(String(pool.capacity))
  const [fieldError, setFieldError] = useState<string>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  // Changed here or by someone else: the field shows the capacity it has now.
  useEffect(() => setCapacity(String(pool.capacity)), [pool.capacity])
  const names = pool.ticketTypeIds.map((id) => types.find((t) => t.id === id)?.name ?? 'a removed type')
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
      toast(`${pool.name}: ${capacity} tickets in all.`, 'success')
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
    const ok = await confirmDialog({ title: `Remove "${pool.name}"?`, message: `${names.join(', ')} then sell by their own capacity only.`, confirmLabel: 'Remove', cancelLabel: 'Keep it', danger: true })
    if (!ok) return
    try {
      await api(`/events/${eventId}/pools/${pool.id}`, { method: 'DELETE' })
      toast(`Pool "${pool.name}" removed.`, 'success')
      onChange()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <li data-pool={pool.id}>
      <p>
        <strong>{pool.name}</strong>: {names.join(', ')} share {pool.capacity.toLocaleString()} tickets · {pool.sold} sold · {pool.held} held · {pool.available} available
      </p>
      <form class="inline-form" onSubmit={save} noValidate>
        <Field id={`pool-cap-${pool.id}`} label={`Capacity of ${pool.name}`} name="capacity" inputMode="numeric" value={capacity} onValue={setCapacity} error={fieldError} />
        <button type="submit" class="button button-secondary" aria-disabled={busy ? true : undefined}>
          Save
        </button>{' '}
        <button type="button" class="link-button" onClick={remove}>
          Remove
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
  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const local: typeof errors = {}
    if (!name.trim()) local.name = 'Name the pool (the hall, the standing area…).'
    const problem = capacityProblem(capacity)
    if (problem) local.capacity = problem
    if (chosen.length < 2) local.types = 'Pick at least two ticket types to share it.'
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      await api(`/events/${eventId}/pools`, { body: { name: name.trim(), capacity: Number(capacity), ticketTypeIds: chosen }, idempotencyKey: key.current })
      toast(`Pool "${name.trim()}" added.`, 'success')
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
      <h3>Add a pool</h3>
      <div class="row">
        <Field id="pool-name" label="Name" name="name" value={name} onValue={setName} error={errors.name} maxLength={POOL_LIMITS.name} />
        <Field id="pool-capacity" label="Tickets in all" name="capacity" inputMode="numeric" value={capacity} onValue={setCapacity} error={errors.capacity} />
      </div>
      <fieldset aria-describedby={errors.types ? 'pool-types-error' : undefined}>
        <legend>Ticket types that share it</legend>
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
          {busy ? 'Adding…' : 'Add the pool'}
        </button>
      </div>
    </form>
  )
}

export function EventPools({ event, types, pools, onChange }: { event: EventItem; types: TicketType[]; pools: AvailabilityPool[] | undefined; onChange: () => void }) {
  return (
    <section class="card" aria-labelledby="pools-title">
      <h2 id="pools-title">Shared capacity</h2>
      <p class="muted">Ticket types in a pool together never sell more than its capacity, on top of each one's own. Buyers see what is left of each type.</p>
      {pools?.length ? (
        <ul class="type-list">
          {pools.map((p) => (
            <PoolRow key={p.id} eventId={event.id} pool={p} types={types} onChange={onChange} />
          ))}
        </ul>
      ) : (
        <Notice>No pools: each ticket type sells up to its own capacity.</Notice>
      )}
      {event.status !== 'cancelled' && types.length >= 2 && <AddPool eventId={event.id} types={types} onAdded={onChange} />}
    </section>
  )
}
