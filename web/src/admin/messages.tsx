// Writing to everyone holding a ticket of an event (a changed door time, a moved venue), and what was
// written before. Each holder gets a notification and an email.
import { useRef, useState } from 'preact/hooks'
import { MESSAGE_LIMITS, type EventMessage, type EventMessageList } from '@easypass/contracts/messages'
import { api, withKey } from '../lib/api'
import { plural, when } from '../lib/format'
import { useAsync } from '../lib/hooks'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Field, TextAreaField } from '../components/ui'
import { fieldErrorsOf } from './shared'

/** `tickets`: the event's tickets that still count (valid or admitted), when known. */
export function HolderMessages({ eventId, tickets }: { eventId: string; tickets?: number }) {
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
      const of = tickets === undefined ? 'a ticket of this event' : tickets === 1 ? "this event's one ticket" : `one of this event's ${tickets} tickets`
      if (!(await confirmDialog({ title: 'Send this message?', message: `“${form.subject.trim()}” goes to everyone holding ${of}, in the app and by email. It cannot be taken back.`, confirmLabel: 'Send' }))) return
      setBusy(true)
      setError(undefined)
      // One key per message written: a try again after a lost answer tells nobody twice.
      const message = await withKey(`event-message:${eventId}:${form.subject}:${form.body}`, (idempotencyKey) =>
        api<EventMessage>(`/events/${eventId}/messages`, { body: form, idempotencyKey }),
      )
      toast(`Message sent to ${plural(message.recipients, 'ticket holder')}.`, 'success')
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
      <h2 id="messages-title">Message ticket holders</h2>
      <p class="muted small">Everyone holding a ticket of this event (its buyer, or whoever it was passed on to) is told in the app and by email. At most {MESSAGE_LIMITS.perEventPerDay} a day.</p>
      <form class="form" onSubmit={send} aria-label="Message ticket holders">
        <Field label="Subject" name="subject" value={form.subject} onValue={(subject) => setForm({ ...form, subject })} error={errors.subject} maxLength={MESSAGE_LIMITS.subject} required />
        <TextAreaField label="Message" name="body" rows={5} value={form.body} onValue={(body) => setForm({ ...form, body })} error={errors.body} maxLength={MESSAGE_LIMITS.body} required hint="Plain text; blank lines make paragraphs." />
        <Alert error={Object.keys(errors).length ? undefined : error} />
        <div class="form-actions">
          <button type="submit" class="button" aria-disabled={busy ? true : undefined}>
            {busy ? 'Sending…' : 'Send to ticket holders'}
          </button>
        </div>
      </form>
      {sent.error ? <Alert error={sent.error} onRetry={sent.reload} /> : null}
      {(sent.data?.items.length ?? 0) > 0 && (
        <>
          <h3>Sent</h3>
          <ul class="type-list" aria-label="Messages sent">
            {sent.data!.items.map((m) => (
              <li key={m.id} data-message={m.id}>
                <strong>{m.subject}</strong>
                <span class="muted block small">
                  {when(m.at)} · to {plural(m.recipients, 'ticket holder')}
                  {m.sentBy ? ` · by ${m.sentBy}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
