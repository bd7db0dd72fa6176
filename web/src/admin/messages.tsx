// Writing to everyone holding a ticket of an event (a changed door time, a moved venue), and what was
// written before. Each holder gets a notification and an email.
import { useRef, useState } from 'preact/hooks'
import { MESSAGE_LIMITS, type EventMessage, type EventMessageList } from '@easypass/contracts/messages'
import { api, withKey } from '../lib/api'
import { when } from '../lib/format'
import { useAsync } from '../lib/hooks'
import { t, useT } from '../lib/i18n'
import { holderMessagesText } from '../i18n/admin-attendees'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Field, TextAreaField } from '../components/ui'
import { fieldErrorsOf } from './shared'

/** `tickets`: the event's tickets that still count (valid or admitted), when known. */
export function HolderMessages({ eventId, tickets }: { eventId: string; tickets?: number }) {
  const m = useT(holderMessagesText)
  const sent = useAsync((signal) => api<EventMessageList>(`/events/${eventId}/messages`, { signal }), [eventId])
  const [form, setForm] = useState({ subject: '', body: '' })
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const sending = useRef(false)
  const errors = fieldErrorsOf(error, { subject: 'subject', body: 'body' })

  const send = async (e: Event) => {
    e.preventDefault()
    if (sending.current) return
    sending.current = true
    try {
      const words = t(holderMessagesText)
      if (!(await confirmDialog({ title: words.confirmTitle, message: words.confirmMessage(form.subject.trim(), tickets), confirmLabel: words.confirmLabel }))) return
      setBusy(true)
      setError(undefined)
      // One key per message written: a try again after a lost answer tells nobody twice.
      const message = await withKey(`event-message:${eventId}:${form.subject}:${form.body}`, (idempotencyKey) =>
        api<EventMessage>(`/events/${eventId}/messages`, { body: form, idempotencyKey }),
      )
      toast(t(holderMessagesText).sentTo(message.recipients), 'success')
      setForm({ subject: '', body: '' })
      sent.reload()
    } catch (err) {
      setError(err)
    } finally {
      sending.current = false
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="messages-title">
      <h2 id="messages-title">{m.title}</h2>
      <p class="muted small">{m.intro(MESSAGE_LIMITS.perEventPerDay)}</p>
      <form class="form" onSubmit={send} aria-label={m.title}>
        <Field label={m.subject} name="subject" value={form.subject} onValue={(subject) => setForm({ ...form, subject })} error={errors.subject} maxLength={MESSAGE_LIMITS.subject} required />
        <TextAreaField label={m.message} name="body" rows={5} value={form.body} onValue={(body) => setForm({ ...form, body })} error={errors.body} maxLength={MESSAGE_LIMITS.body} required hint={m.messageHint} />
        <Alert error={Object.keys(errors).length ? undefined : error} />
        <div class="form-actions">
          <button type="submit" class="button" aria-disabled={busy ? true : undefined}>
            {busy ? m.sending : m.send}
          </button>
        </div>
      </form>
      {sent.error ? <Alert error={sent.error} onRetry={sent.reload} /> : null}
      {(sent.data?.items.length ?? 0) > 0 && (
        <>
          <h3>{m.sent}</h3>
          <ul class="type-list" aria-label={m.sentList}>
            {sent.data!.items.map((message) => (
              <li key={message.id} data-message={message.id}>
                <strong>{message.subject}</strong>
                <span class="muted block small">
                  {when(message.at)} · {m.to(message.recipients)}
                  {message.sentBy ? m.by(message.sentBy) : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
