// Buying without an account: the guest form on the way to buying, the page that emails a guest the
// links back to what they bought and opens such a link, and what the account page says to a guest.
import { useEffect, useRef, useState } from 'preact/hooks'
import { guestText } from '../i18n/guest'
import { api, ApiError } from '../lib/api'
import { looksLikeEmail } from '../lib/format'
import { useTitle } from '../lib/hooks'
import { useT } from '../lib/i18n'
import { Link, navigate, tokenFromLink } from '../lib/router'
import { getSession, sessionFrom, setSession } from '../lib/session'
import type { AuthResult } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Field, Notice, PageTitle, useFocusFirstInvalid } from '../components/ui'

type Errors = Partial<Record<'email' | 'name', string>>

/** An address and a name, and the buyer goes on to `next` as a guest. */
export function GuestCheckout({ next }: { next: string }) {
  const m = useT(guestText)
  // Folded until asked for: the sign-in form above stays the page's one address field.
  const [open, setOpen] = useState(false)
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  // Unfolded: the keyboard goes on into the form.
  useEffect(() => {
    if (open) form.current?.querySelector('input')?.focus()
  }, [open])

  const submit = async (e: Event) => {
    e.preventDefault()
    const local: Errors = {}
    if (!email.trim()) local.email = m.enterEmail
    else if (!looksLikeEmail(email)) local.email = m.emailShape
    if (!name.trim()) local.name = m.enterName
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const result = await api<AuthResult>('/auth/guest', { body: { email: email.trim(), name: name.trim() }, anonymous: true })
      setSession(sessionFrom(result))
      toast(m.welcomeGuest(result.user.email), 'success')
      navigate(next, { replace: true })
    } catch (err) {
      setBusy(false)
      const fields = err instanceof ApiError ? err.fields : {}
      setErrors({ ...(fields.email ? { email: fields.email } : {}), ...(fields.name ? { name: fields.name } : {}) })
      setError(err)
    }
  }

  return (
    <section aria-labelledby="guest-title">
      <h2 id="guest-title">{m.orGuest}</h2>
      <p class="muted">{m.guestIntro}</p>
      {!open ? (
        <button type="button" class="button button-block button-secondary" aria-expanded="false" onClick={() => setOpen(true)}>
          {m.continueAsGuest}
        </button>
      ) : (
        <form class="card form" ref={form} onSubmit={submit} noValidate>
          <Field label={m.guestEmail} name="guest-email" id="guest-email" type="email" autoComplete="email" value={email} onValue={setEmail} error={errors.email} required />
          <Field label={m.name} name="guest-name" id="guest-name" autoComplete="name" value={name} onValue={setName} error={errors.name} hint={m.nameHint} required />
          <Alert error={Object.keys(errors).length ? undefined : error} />
          <button type="submit" class="button button-block" disabled={busy}>
            {busy ? m.starting : m.buyAsGuest}
          </button>
        </form>
      )}
    </section>
  )
}

/** "Bought as a guest? Get a link to your tickets", wherever one may sign in. */
export function GuestWayBack() {
  const m = useT(guestText)
  return (
    <p>
      {m.boughtAsGuest} <Link href="/guest">{m.getLink}</Link>
    </p>
  )
}

/** `/guest`: asks for the links by email; `/guest#token=…` (an emailed link) opens the guest's tickets. */
export function GuestPage() {
  const m = useT(guestText)
  useTitle(m.linkTitle)
  const [token] = useState(tokenFromLink)
  const [opening, setOpening] = useState(!!token)
  const [refused, setRefused] = useState<unknown>()
  const [email, setEmail] = useState('')
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

  useEffect(() => {
    const openLink = async (linkToken: string) => {
      // Signed in to an account here: the guest's tickets take its place only when the person says so
      // (the account is signed out here first); the link keeps working otherwise.
      const current = getSession()
      if (current && !current.user.guest) {
        const ok = await confirmDialog({ title: m.switchTitle, message: m.switchMessage(current.user.email), confirmLabel: m.switchConfirm })
        if (!ok) {
          setOpening(false)
          return setRefused(m.switchDeclined(current.user.email))
        }
        await api('/auth/logout', { body: current.refreshToken ? { refreshToken: current.refreshToken } : {} }).catch(() => {})
        setSession(null)
      }
      setOpening(true)
      api<AuthResult>('/auth/guest/session', { body: { token: linkToken }, anonymous: true }).then(
        (result) => {
          setSession(sessionFrom(result))
          toast(m.welcomeBack, 'success')
          navigate('/tickets', { replace: true })
        },
        (err) => {
          setOpening(false)
          setRefused(err instanceof ApiError && err.fields.token ? m.linkRefused : err)
        },
      )
    }
    if (token) void openLink(token)
    // A link pasted into this page's address bar changes only the fragment: no new page, so it is read here.
    const onHash = () => {
      const pasted = tokenFromLink()
      if (pasted) void openLink(pasted)
    }
    addEventListener('hashchange', onHash)
    return () => removeEventListener('hashchange', onHash)
  }, [])

  const submit = async (e: Event) => {
    e.preventDefault()
    const address = email.trim()
    const local = !address ? { email: m.enterEmail } : !looksLikeEmail(address) ? { email: m.emailShape } : {}
    setErrors(local)
    setError(undefined)
    if (local.email) return
    setBusy(true)
    try {
      await api('/auth/guest/link', { body: { email: address }, anonymous: true })
      setSentTo(address)
      setRefused(undefined)
    } catch (err) {
      if (err instanceof ApiError && err.fields.email) setErrors({ email: err.fields.email })
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="container page narrow">
      <PageTitle>{m.linkTitle}</PageTitle>
      {opening ? (
        <p role="status">{m.opening}</p>
      ) : sentTo ? (
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
          </p>
        </>
      ) : (
        <>
          <Alert error={refused} />
          <p>{m.linkIntro}</p>
          <form class="card form" ref={form} onSubmit={submit} noValidate>
            <Field label={m.email} name="email" type="email" autoComplete="email" value={email} onValue={setEmail} error={errors.email} required />
            <Alert error={errors.email ? undefined : error} />
            <button type="submit" class="button button-block" disabled={busy}>
              {busy ? m.sending : m.sendLink}
            </button>
          </form>
        </>
      )}
    </section>
  )
}
