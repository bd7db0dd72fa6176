// Webhooks: the organiser's own systems (CRM, accounting, a door list) told of orders and events by
// signed POSTs. Admins add one (its signing secret is shown once), switch it off and on, send a test,
// renew the secret, remove it, and read its latest deliveries.
import { WEBHOOK_EVENT_TYPES, WEBHOOK_PING, type DeliveryStatus, type WebhookEventType } from '@easypass/contracts/webhook-kinds'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { plural, when } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import type { Webhook, WebhookDelivery } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Field, Loading, Notice, useFocusFirstInvalid } from '../components/ui'
import { AdminPage, fieldErrorsOf } from './shared'

/** What a webhook can be told of, in the admin's words (a kind the server adds fails to compile here until it has some). */
const EVENT_LABELS: Record<WebhookEventType, string> = {
  'order.paid': 'An order is paid',
  'order.refunded': 'An order is refunded',
  'order.tickets_refunded': 'Some tickets of an order, or an amount of it, are refunded',
  'order.cancelled': 'A hold is cancelled',
  'order.expired': 'A hold runs out unpaid',
  'event.cancelled': 'An event is cancelled',
}
const labelOf = (type: string) => EVENT_LABELS[type as WebhookEventType] ?? type

const DELIVERY_STATUS: Record<DeliveryStatus, string> = {
  pending: 'Waiting',
  retrying: 'Failed, trying again',
  delivered: 'Delivered',
  failed: 'Given up',
  skipped: 'Not sent (switched off)',
}

export default function WebhooksPage() {
  useTitle('Admin · Webhooks')
  const hooks = useAsync((signal) => api<{ items: Webhook[] }>('/webhooks', { signal }), [])
  // The secret of a webhook just added or renewed: shown once, until the admin leaves the page.
  const [secret, setSecret] = useState<{ url: string; secret: string }>()
  const items = hooks.data?.items ?? []
  const shown = (url: string, value: string) => {
    setSecret({ url, secret: value })
    hooks.reload()
  }
  return (
    <AdminPage title="Webhooks" sub="Your own systems told of orders and events as they happen: signed POSTs, tried again until they answer.">
      {secret && <SecretNotice url={secret.url} secret={secret.secret} onDone={() => setSecret(undefined)} />}
      {hooks.error ? <Alert error={hooks.error} onRetry={hooks.reload} /> : null}
      {!hooks.data && !hooks.error && <Loading label="Loading the webhooks…" />}
      {hooks.data && items.length === 0 && <Notice>No webhooks yet.</Notice>}
      {items.length > 0 && <h2 class="sr-only">Your webhooks</h2>}
      {items.length > 0 && (
        <ul class="type-list">
          {items.map((w) => (
            <WebhookRow key={w.id} hook={w} onChange={hooks.reload} onSecret={(value) => shown(w.url, value)} />
          ))}
        </ul>
      )}
      <AddWebhook onAdded={(w) => shown(w.url, w.secret!)} />
    </AdminPage>
  )
}

function SecretNotice({ url, secret, onDone }: { url: string; secret: string; onDone: () => void }) {
  // Shown at the top while the admin is at the form or a row: it takes the focus, and screen readers read it.
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => box.current?.focus(), [secret])
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret)
      toast('Secret copied.', 'success')
    } catch {
      toast('Copying is not allowed here: select the secret and copy it.')
    }
  }
  return (
    <div ref={box} tabIndex={-1} class="webhook-secret-box" aria-label="The new signing secret">
    <Notice tone="success">
      <p>
        The signing secret of <code>{url}</code>, shown only now. Your system checks each delivery's <code>EasyPass-Signature</code> with it.
      </p>
      <p>
        <code class="webhook-secret" data-secret>
          {secret}
        </code>
      </p>
      <p class="actions">
        <button type="button" class="button button-small" onClick={copy}>
          Copy the secret
        </button>
        <button type="button" class="button button-small button-secondary" onClick={onDone}>
          I have kept it
        </button>
      </p>
    </Notice>
    </div>
  )
}

function WebhookRow({ hook: w, onChange, onSecret }: { hook: Webhook; onChange: () => void; onSecret: (secret: string) => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [open, setOpen] = useState(false)
  // Bumped by a test sent: the deliveries shown are read again.
  const [sent, setSent] = useState(0)
  const path = `/webhooks/${w.id}`
  const name = w.description || w.url

  /** One action; a webhook gone meanwhile reloads the list. */
  const act = async (run: () => Promise<unknown>) => {
    if (busy) return
    setError(undefined)
    setBusy(true)
    try {
      await run()
    } catch (err) {
      setError(err)
      if (err instanceof ApiError && err.status === 404) onChange()
    } finally {
      setBusy(false)
    }
  }
  const toggle = () =>
    act(async () => {
      await api(path, { method: 'PATCH', body: { active: !w.active } })
      toast(`${name} switched ${w.active ? 'off' : 'on'}.`, 'success')
      onChange()
    })
  const ping = () =>
    act(async () => {
      await api(`${path}/ping`, { method: 'POST' })
      toast('A test delivery is on its way.', 'success')
      setOpen(true)
      setSent((n) => n + 1)
    })
  const renew = () =>
    act(async () => {
      const ok = await confirmDialog({ title: 'Renew the signing secret?', message: 'The old secret stops signing at once: your system must check deliveries with the new one.', confirmLabel: 'Renew' })
      if (ok) onSecret((await api<{ secret: string }>(`${path}/secret`, { method: 'POST' })).secret)
    })
  const remove = () =>
    act(async () => {
      const ok = await confirmDialog({ title: `Remove ${name}?`, message: 'It is sent nothing more, also of deliveries waiting for their next try, and its delivery history goes with it.', confirmLabel: 'Remove', danger: true })
      if (!ok) return
      await api(path, { method: 'DELETE' })
      toast(`${name} removed.`, 'success')
      onChange()
    })

  const id = `w-${w.id}`
  return (
    <li class="type-row" data-webhook={w.id}>
      <div class="type-head">
        <div class="voucher-title">
          <h3 id={`${id}-name`}>{name}</h3>
          <span class={`badge ${w.active ? 'badge-voucher-active' : ''}`}>{w.active ? 'Active' : 'Switched off'}</span>
        </div>
        {w.description && (
          <p class="small">
            <code>{w.url}</code>
          </p>
        )}
        <p class="muted small">
          Told when: {w.events.map(labelOf).join(', ')} · {w.eventIds?.length ? `${plural(w.eventIds.length, 'event')} only` : 'every event'} · added {when(w.createdAt)}
        </p>
      </div>
      <div class="voucher-controls">
        <button type="button" class="button button-small button-secondary" aria-disabled={busy ? true : undefined} aria-label={`Switch ${w.active ? 'off' : 'on'} ${name}`} onClick={toggle}>
          {w.active ? 'Switch off' : 'Switch on'}
        </button>
        {w.active && (
          <button type="button" class="button button-small button-secondary" aria-disabled={busy ? true : undefined} aria-label={`Send a test to ${name}`} onClick={ping}>
            Send a test
          </button>
        )}
        <button type="button" class="button button-small button-secondary" aria-disabled={busy ? true : undefined} aria-label={`Renew secret of ${name}`} onClick={renew}>
          Renew secret
        </button>
        <button type="button" class="button button-small button-secondary" aria-disabled={busy ? true : undefined} aria-label={`Remove ${name}`} onClick={remove}>
          Remove
        </button>
        <button type="button" class="link-button" aria-expanded={open} aria-controls={`${id}-deliveries`} onClick={() => setOpen(!open)}>
          {open ? 'Hide deliveries' : 'Show deliveries'}
        </button>
      </div>
      <Alert error={error} />
      {open && <Deliveries id={`${id}-deliveries`} webhookId={w.id} sent={sent} />}
    </li>
  )
}

function Deliveries({ id, webhookId, sent }: { id: string; webhookId: string; sent: number }) {
  const deliveries = useAsync((signal) => api<{ items: WebhookDelivery[] }>(`/webhooks/${webhookId}/deliveries?limit=20`, { signal }), [webhookId, sent])
  const items = deliveries.data?.items ?? []
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const again = async (d: WebhookDelivery) => {
    if (busy) return
    setError(undefined)
    setBusy(true)
    try {
      await api(`/webhooks/${webhookId}/deliveries/${d.id}/retry`, { method: 'POST' })
      toast('Sent again.', 'success')
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
      deliveries.reload()
    }
  }
  return (
    <div id={id} class="webhook-deliveries">
      <Alert error={error} />
      <p class="actions">
        <span class="muted small">The latest 20.</span>
        <button type="button" class="link-button" onClick={deliveries.reload}>
          Refresh
        </button>
      </p>
      {deliveries.error ? <Alert error={deliveries.error} onRetry={deliveries.reload} /> : null}
      {!deliveries.data && !deliveries.error && <Loading label="Loading the deliveries…" />}
      {deliveries.data && items.length === 0 && <p class="muted small">Nothing sent yet.</p>}
      {items.length > 0 && (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Status</th>
              <th scope="col">Tries</th>
              <th scope="col">Last answer</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-delivery={d.id}>
                <td>{when(d.createdAt)}</td>
                <td>{d.type === WEBHOOK_PING ? 'Test' : labelOf(d.type)}</td>
                <td>
                  {DELIVERY_STATUS[d.status]}
                  {d.nextAttemptAt ? `, next at ${when(d.nextAttemptAt)}` : ''}
                  {d.status === 'failed' && (
                    <>
                      {' '}
                      <button type="button" class="link-button" aria-disabled={busy ? true : undefined} onClick={() => again(d)}>
                        Send again
                      </button>
                    </>
                  )}
                </td>
                <td>{d.attempts}</td>
                <td>{d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '–')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

type WebhookErrors = Partial<Record<'url' | 'events' | 'description', string>>

function AddWebhook({ onAdded }: { onAdded: (w: Webhook) => void }) {
  const [url, setUrl] = useState('')
  const [description, setDescription] = useState('')
  const [events, setEvents] = useState<string[]>(['order.paid', 'order.refunded'])
  const [errors, setErrors] = useState<WebhookErrors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  const tick = (type: string, on: boolean) => setEvents((list) => (on ? [...list, type] : list.filter((t) => t !== type)))

  const submit = async (e: Event) => {
    e.preventDefault()
    if (busy) return
    const problems: WebhookErrors = {
      url: /^https?:\/\/\S+$/.test(url.trim()) ? undefined : 'Enter the address your system receives them at, starting with https://.',
      events: events.length ? undefined : 'Choose at least one.',
    }
    setErrors(problems)
    if (problems.url || problems.events) return
    setError(undefined)
    setBusy(true)
    try {
      // In the list's order, whatever order they were ticked in.
      const chosen = WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t))
      const added = await api<Webhook>('/webhooks', { body: { url: url.trim(), events: chosen, ...(description.trim() ? { description: description.trim() } : {}) } })
      toast('Webhook added.', 'success')
      setUrl('')
      setDescription('')
      onAdded(added)
    } catch (err) {
      const fields = fieldErrorsOf(err, { url: 'url', events: 'events', description: 'description' })
      setErrors(fields)
      if (!Object.keys(fields).length) setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form ref={form} class="card form" onSubmit={submit} noValidate aria-labelledby="add-webhook-title">
      <h2 id="add-webhook-title">Add a webhook</h2>
      <Field label="Address (URL)" name="url" type="url" value={url} onValue={setUrl} error={errors.url} placeholder="https://crm.example.com/hooks/easypass" hint="Must be HTTPS and reachable from the internet." />
      <Field label="Name (optional)" name="description" value={description} onValue={setDescription} error={errors.description} maxLength={200} placeholder="Our CRM" />
      <fieldset aria-describedby={errors.events ? 'nw-events-error' : undefined}>
        <legend>Tell it when</legend>
        <div class="choices">
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label class="choice" key={type}>
              <input type="checkbox" name="events" value={type} checked={events.includes(type)} onChange={(e) => tick(type, e.currentTarget.checked)} aria-invalid={errors.events ? true : undefined} />
              {EVENT_LABELS[type]}
            </label>
          ))}
        </div>
        {errors.events && (
          <p class="field-error" id="nw-events-error">
            {errors.events}
          </p>
        )}
      </fieldset>
      <Alert error={error} />
      <button type="submit" class="button" aria-disabled={busy ? true : undefined}>
        {busy ? 'Adding…' : 'Add webhook'}
      </button>
    </form>
  )
}
