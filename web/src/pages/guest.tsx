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
import { Alert, Field, PageTitle, useFocusFirstInvalid } from '../components/ui'
import { EmailedLink } from '../components/emailed-link'

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

  return (
    <section class="container page narrow">
      <PageTitle>{m.linkTitle}</PageTitle>
      {opening ? (
        <p role="status">{m.opening}</p>
      ) : (
        <EmailedLink
          path="/auth/guest/link"
          words={{ email: m.email, enterEmail: m.enterEmail, emailShape: m.emailShape, send: m.sendLink, sending: m.sending, sentTo: m.sentTo, noEmail: m.noEmail, useAnother: m.useAnother }}
          intro={m.linkIntro}
          before={<Alert error={refused} />}
          onSent={() => setRefused(undefined)}
        />
      )}
    </section>
  )
}
