// Webhooks: the organiser's own systems (CRM, accounting, a door list) told of orders and events by
// signed POSTs. Admins add one (its signing secret is shown once), switch it off and on, send a test,
// renew the secret, remove it, and read its latest deliveries.
import { WEBHOOK_EVENT_TYPES, WEBHOOK_PING, type WebhookEventType } from '@easypass/contracts/webhook-kinds'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { when } from '../lib/format'
import { t, useT } from '../lib/i18n'
import { adminWebhooksText } from '../i18n/admin-webhooks'
import { useAsync, useTitle } from '../lib/hooks'
import type { Webhook, WebhookDelivery } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Field, Loading, Notice, useFocusFirstInvalid } from '../components/ui'
import { AdminPage, fieldErrorsOf } from './shared'

/** What a webhook can be told of, in the admin's words (`adminWebhooksText.events`: a kind the server adds fails to compile there until it has some). */
const labelOf = (type: string) => t(adminWebhooksText).events[type as WebhookEventType] ?? type

export default function WebhooksPage() {
  const m = useT(adminWebhooksText)
  useTitle(m.pageTitle)
  const hooks = useAsync((signal) => api<{ items: Webhook[] }>('/webhooks', { signal }), [])
  // The secret of a webhook just added or renewed: shown once, until the admin leaves the page.
  const [secret, setSecret] = useState<{ url: string; secret: string }>()
  const items = hooks.data?.items ?? []
  const shown = (url: string, value: string) => {
    setSecret({ url, secret: value })
    hooks.reload()
  }
  return (
    <AdminPage title={m.title} sub={m.sub}>
      {secret && <SecretNotice url={secret.url} secret={secret.secret} onDone={() => setSecret(undefined)} />}
      {hooks.error ? <Alert error={hooks.error} onRetry={hooks.reload} /> : null}
      {!hooks.data && !hooks.error && <Loading label={m.loading} />}
      {hooks.data && items.length === 0 && <Notice>{m.none}</Notice>}
      {items.length > 0 && <h2 class="sr-only">{m.yours}</h2>}
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
  const m = useT(adminWebhooksText)
  // Shown at the top while the admin is at the form or a row: it takes the focus, and screen readers read it.
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => box.current?.focus(), [secret])
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret)
      toast(m.copied, 'success')
    } catch {
      toast(m.copyRefused)
    }
  }
  return (
    <div ref={box} tabIndex={-1} class="webhook-secret-box" aria-label={m.secretLabel}>
    <Notice tone="success">
      <p>
        {m.secretBefore}
        <code>{url}</code>
        {m.secretMiddle}
        <code>EasyPass-Signature</code>
        {m.secretAfter}
      </p>
      <p>
        <code class="webhook-secret" data-secret>
          {secret}
        </code>
      </p>
      <p class="actions">
        <button type="button" class="button button-small" onClick={copy}>
          {m.copy}
        </button>
        <button type="button" class="button button-small button-secondary" onClick={onDone}>
          {m.kept}
        </button>
      </p>
    </Notice>
    </div>
  )
}

function WebhookRow({ hook: w, onChange, onSecret }: { hook: Webhook; onChange: () => void; onSecret: (secret: string) => void }) {
  const m = useT(adminWebhooksText)
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
      toast(m.switched(name, w.active), 'success')
      onChange()
    })
  const ping = () =>
    act(async () => {
      await api(`${path}/ping`, { method: 'POST' })
      toast(m.testSent, 'success')
      setOpen(true)
      setSent((n) => n + 1)
    })
  const renew = () =>
    act(async () => {
      const ok = await confirmDialog({ title: m.renewTitle, message: m.renewMessage, confirmLabel: m.renew })
      if (ok) onSecret((await api<{ secret: string }>(`${path}/secret`, { method: 'POST' })).secret)
    })
  const remove = () =>
    act(async () => {
      const ok = await confirmDialog({ title: m.removeTitle(name), message: m.removeMessage, confirmLabel: m.remove, danger: true })
      if (!ok) return
      await api(path, { method: 'DELETE' })
      toast(m.removed(name), 'success')
      onChange()
    })

  const id = `w-${w.id}`
  return (
    <li class="type-row" data-webhook={w.id}>
      <div class="type-head">
        <div class="voucher-title">
          <h3 id={`${id}-name`}>{name}</h3>
          <span class={`badge ${w.active ? 'badge-voucher-active' : ''}`}>{w.active ? m.active : m.switchedOff}</span>
        </div>
        {w.description && (
          <p class="small">
            <code>{w.url}</code>
          </p>
        )}
        <p class="muted small">
          {m.summary(w.events.map(labelOf), w.eventIds?.length ?? 0, when(w.createdAt))}
        </p>
      </div>
      <div class="voucher-controls">
        <button type="button" class="button button-small button-secondary" aria-disabled={busy ? true : undefined} aria-label={m.switchLabel(name, w.active)} onClick={toggle}>
          {w.active ? m.switchOff : m.switchOn}
        </button>
        {w.active && (
          <button type="button" class="button button-small button-secondary" aria-disabled={busy ? true : undefined} aria-label={m.testLabel(name)} onClick={ping}>
            {m.test}
          </button>
        )}
        <button type="button" class="button button-small button-secondary" aria-disabled={busy ? true : undefined} aria-label={m.renewLabel(name)} onClick={renew}>
          {m.renewSecret}
        </button>
        <button type="button" class="button button-small button-secondary" aria-disabled={busy ? true : undefined} aria-label={m.removeLabel(name)} onClick={remove}>
          {m.remove}
        </button>
        <button type="button" class="link-button" aria-expanded={open} aria-controls={`${id}-deliveries`} onClick={() => setOpen(!open)}>
          {open ? m.hideDeliveries : m.showDeliveries}
        </button>
      </div>
      <Alert error={error} />
      {open && <Deliveries id={`${id}-deliveries`} webhookId={w.id} sent={sent} />}
    </li>
  )
}

function Deliveries({ id, webhookId, sent }: { id: string; webhookId: string; sent: number }) {
  const m = useT(adminWebhooksText)
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
      toast(m.sentAgain, 'success')
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
        <span class="muted small">{m.latest}</span>
        <button type="button" class="link-button" onClick={deliveries.reload}>
          {m.refresh}
        </button>
      </p>
      {deliveries.error ? <Alert error={deliveries.error} onRetry={deliveries.reload} /> : null}
      {!deliveries.data && !deliveries.error && <Loading label={m.loadingDeliveries} />}
      {deliveries.data && items.length === 0 && <p class="muted small">{m.nothingSent}</p>}
      {items.length > 0 && (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{m.when}</th>
              <th scope="col">{m.what}</th>
              <th scope="col">{m.status}</th>
              <th scope="col">{m.tries}</th>
              <th scope="col">{m.lastAnswer}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-delivery={d.id}>
                <td>{when(d.createdAt)}</td>
                <td>{d.type === WEBHOOK_PING ? m.ping : labelOf(d.type)}</td>
                <td>
                  {m.delivery[d.status]}
                  {d.nextAttemptAt ? m.nextAt(when(d.nextAttemptAt)) : ''}
                  {d.status === 'failed' && (
                    <>
                      {' '}
                      <button type="button" class="link-button" aria-disabled={busy ? true : undefined} onClick={() => again(d)}>
                        {m.sendAgain}
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
  const m = useT(adminWebhooksText)
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
      url: /^https?:\/\/\S+$/.test(url.trim()) ? undefined : m.urlNeeded,
      events: events.length ? undefined : m.chooseOne,
    }
    setErrors(problems)
    if (problems.url || problems.events) return
    setError(undefined)
    setBusy(true)
    try {
      // In the list's order, whatever order they were ticked in.
      const chosen = WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t))
      const added = await api<Webhook>('/webhooks', { body: { url: url.trim(), events: chosen, ...(description.trim() ? { description: description.trim() } : {}) } })
      toast(m.added, 'success')
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
      <h2 id="add-webhook-title">{m.addTitle}</h2>
      <Field label={m.url} name="url" type="url" value={url} onValue={setUrl} error={errors.url} placeholder="https://crm.example.com/hooks/easypass" hint={m.urlHint} />
      <Field label={m.name} name="description" value={description} onValue={setDescription} error={errors.description} maxLength={200} placeholder={m.namePlaceholder} />
      <fieldset aria-describedby={errors.events ? 'nw-events-error' : undefined}>
        <legend>{m.tellWhen}</legend>
        <div class="choices">
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label class="choice" key={type}>
              <input type="checkbox" name="events" value={type} checked={events.includes(type)} onChange={(e) => tick(type, e.currentTarget.checked)} aria-invalid={errors.events ? true : undefined} />
              {m.events[type]}
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
        {busy ? m.adding : m.add}
      </button>
    </form>
  )
}
