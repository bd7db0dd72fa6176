import { useRef, useState } from 'preact/hooks'
import { authText } from '../i18n/auth'
import { api, ApiError } from '../lib/api'
import { useTitle } from '../lib/hooks'
import { useT } from '../lib/i18n'
import { looksLikeEmail } from '../lib/format'
import { Link, navigate } from '../lib/router'
import { safeNext } from '../lib/next'
import { sessionFrom, setSession, useSession } from '../lib/session'
import type { AuthResult } from '../lib/types'
import { twoFactorText } from '../i18n/two-factor'
import { CodeField, codeAsked } from './two-factor'
import { PasskeySignIn } from './passkeys'
import { GuestCheckout, GuestWayBack } from './guest'
import { toast } from '../components/overlay'
import { Alert, Field, PageTitle, useFocusFirstInvalid } from '../components/ui'


type Errors = Partial<Record<'email' | 'password' | 'name' | 'code', string>>

function fieldErrors(error: unknown): Errors {
  if (!(error instanceof ApiError)) return {}
  const f = error.fields
  const out: Errors = {}
  for (const key of ['email', 'password', 'name'] as const) if (f[key]) out[key] = f[key]
  return out
}

export function SignIn({ query }: { query: URLSearchParams }) {
  const m = useT(authText)
  useTitle(m.signInTitle)
  const session = useSession()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  // Asked for once the password was right, when the account signs in in two steps.
  const [needsCode, setNeedsCode] = useState(false)
  const [code, setCode] = useState('')
  const tf = useT(twoFactorText)
  const [errors, setErrors] = useState<Errors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  const next = safeNext(query)

  /** With a password or a passkey: on to where the person was going. */
  const signedIn = (result: AuthResult) => {
    setSession(sessionFrom(result))
    // A role that waits for two-step sign-in: to the account page, where it is set up.
    if (result.user.roleNeedsTwoFactor) {
      toast(tf.roleNeeds, 'info')
      return navigate('/account', { replace: true })
    }
    toast(m.welcomeBack(result.user.name || result.user.email), 'success')
    navigate(next, { replace: true })
  }

  const submit = async (e: Event) => {
    e.preventDefault()
    const local: Errors = {}
    if (!email.trim()) local.email = m.enterEmail
    if (!password) local.password = m.enterPassword
    if (needsCode && !code.trim()) local.code = tf.enterCode
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      signedIn(await api<AuthResult>('/auth/login', { body: { email: email.trim(), password, ...(needsCode ? { code: code.trim() } : {}) }, anonymous: true }))
    } catch (err) {
      setBusy(false)
      if (codeAsked(err)) {
        setNeedsCode(true)
        return setErrors({ code: tf.codeAsked })
      }
      if (err instanceof ApiError && err.status === 401) return err.fields.code ? setErrors({ code: tf.wrongCode }) : setError(tf.wrongCredentials)
      setErrors(fieldErrors(err))
      setError(err)
    }
  }

  return (
    <section class="container page narrow">
      <PageTitle>{m.signInTitle}</PageTitle>
      {session && <p class="muted">{m.signedInAs(session.user.email)}</p>}
      <form class="card form" ref={form} onSubmit={submit} noValidate>
        {/* `webauthn`: the browser lists this site's passkeys among the field's suggestions (PasskeySignIn). */}
        <Field label={m.email} name="email" type="email" autoComplete="email webauthn" value={email} onValue={setEmail} error={errors.email} required />
        <Field label={m.password} name="password" type="password" autoComplete="current-password" value={password} onValue={setPassword} error={errors.password} required />
        {needsCode && <CodeField value={code} onValue={setCode} error={errors.code} />}
        <Alert error={Object.keys(errors).length ? undefined : error} />
        <button type="submit" class="button button-block" disabled={busy}>
          {busy ? m.signingIn : m.signIn}
        </button>
        <p class="form-aside">
          <Link href={`/forgot-password${email.trim() ? `?email=${encodeURIComponent(email.trim())}` : ''}`}>{m.forgotPassword}</Link>
        </p>
        <PasskeySignIn onSignedIn={signedIn} />
      </form>
      <p>
        {m.newHere} <Link href={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>{m.createAnAccount}</Link>
      </p>
      {/* On the way to buying, an account is not needed. */}
      {!session && next.startsWith('/events/') && <GuestCheckout next={next} />}
      <GuestWayBack />
    </section>
  )
}

export function SignUp({ query }: { query: URLSearchParams }) {
  const m = useT(authText)
  useTitle(m.createAnAccount)
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  const next = safeNext(query)

  const submit = async (e: Event) => {
    e.preventDefault()
    const local: Errors = {}
    if (!name.trim()) local.name = m.enterName
    if (!email.trim()) local.email = m.enterEmail
    else if (!looksLikeEmail(email)) local.email = m.emailShape
    if (password.length < 8) local.password = m.useAtLeast(8)
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const result = await api<AuthResult>('/auth/register', { body: { name: name.trim(), email: email.trim(), password }, anonymous: true })
      setSession(sessionFrom(result))
      toast(m.welcomeNew(result.user.name), 'success')
      navigate(next, { replace: true })
    } catch (err) {
      const fields = fieldErrors(err)
      if (err instanceof ApiError && err.status === 409 && !fields.email) fields.email = m.accountExists
      setErrors(fields)
      setError(err)
      setBusy(false)
    }
  }

  return (
    <section class="container page narrow">
      <PageTitle>{m.createAnAccount}</PageTitle>
      <form class="card form" ref={form} onSubmit={submit} noValidate>
        <Field label={m.name} name="name" autoComplete="name" value={name} onValue={setName} error={errors.name} required />
        <Field label={m.email} name="email" type="email" autoComplete="email" value={email} onValue={setEmail} error={errors.email} required />
        <Field
          label={m.password}
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onValue={setPassword}
          error={errors.password}
          hint={m.atLeast(8)}
          required
          minLength={8}
        />
        <Alert error={Object.keys(errors).length ? undefined : error} />
        <button type="submit" class="button button-block" disabled={busy}>
          {busy ? m.creating : m.createAccount}
        </button>
      </form>
      <p>
        {m.haveAccount} <Link href={`/signin${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>{m.signIn}</Link>
      </p>
    </section>
  )
}
