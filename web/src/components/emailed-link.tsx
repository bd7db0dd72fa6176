// An address asked for and a link emailed to it (a password reset, a guest's way back): the answer is
// the same whether or not the address has one, so the page says only that it is on its way.
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { looksLikeEmail } from '../lib/format'
import { Alert, Field, Notice, useFocusFirstInvalid } from './ui'

export interface EmailedLinkWords {
  email: string
  enterEmail: string
  /** Said when the address is not one (absent: the server says it). */
  emailShape?: string
  send: string
  sending: string
  sentTo: (email: string) => ComponentChildren
  noEmail: string
  useAnother: string
}

export function EmailedLink(props: { path: string; initial?: string; words: EmailedLinkWords; intro: ComponentChildren; before?: ComponentChildren; after?: ComponentChildren; sentActions?: ComponentChildren; onSent?: () => void }) {
  const { path, words: m } = props
  const [email, setEmail] = useState(props.initial ?? '')
  const [errors, setErrors] = useState<{ email?: string }>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const [sentTo, setSentTo] = useState<string>()
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  // The form gives way to what was done: the keyboard goes there, not back to the page's start.
  const sent = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (sentTo) sent.current?.focus()
  }, [sentTo])

  const submit = async (e: Event) => {
    e.preventDefault()
    const address = email.trim()
    const local = !address ? { email: m.enterEmail } : m.emailShape && !looksLikeEmail(address) ? { email: m.emailShape } : {}
    setErrors(local)
    setError(undefined)
    if (local.email) return
    setBusy(true)
    try {
      await api(path, { body: { email: address }, anonymous: true })
      setSentTo(address)
      props.onSent?.()
    } catch (err) {
      if (err instanceof ApiError && err.fields.email) setErrors({ email: err.fields.email })
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  if (sentTo)
    return (
      <>
        <div ref={sent} tabIndex={-1}>
          <Notice tone="success">
            <p>{m.sentTo(sentTo)}</p>
          </Notice>
        </div>
        <p class="muted">{m.noEmail}</p>
        <p class="actions">
          <button type="button" class="button button-secondary" onClick={() => setSentTo(undefined)}>
            {m.useAnother}
          </button>
          {props.sentActions}
        </p>
      </>
    )
  return (
    <>
      {props.before}
      <p>{props.intro}</p>
      <form class="card form" ref={form} onSubmit={submit} noValidate>
        <Field label={m.email} name="email" type="email" autoComplete="email" value={email} onValue={setEmail} error={errors.email} required />
        <Alert error={errors.email ? undefined : error} />
        <button type="submit" class="button button-block" disabled={busy}>
          {busy ? m.sending : m.send}
        </button>
      </form>
      {props.after}
    </>
  )
}
