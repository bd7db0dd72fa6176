import { useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { useTitle } from '../lib/hooks'
import { looksLikeEmail } from '../lib/format'
import { Link, navigate } from '../lib/router'
import { sessionFrom, setSession, useSession } from '../lib/session'
import type { AuthResult } from '../lib/types'
import { toast } from '../components/overlay'
import { Alert, Field, PageTitle, useFocusFirstInvalid } from '../components/ui'

/** Only paths inside the app: an open redirect through `?next=` would be a phishing aid. */
function safeNext(query: URLSearchParams) {
  const next = query.get('next') ?? ''
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'
}

type Errors = Partial<Record<'email' | 'password' | 'name', string>>

function fieldErrors(error: unknown): Errors {
  if (!(error instanceof ApiError)) return {}
  const f = error.fields
  const out: Errors = {}
  for (const key of ['email', 'password', 'name'] as const) if (f[key]) out[key] = f[key]
  return out
}

export function SignIn({ query }: { query: URLSearchParams }) {
  useTitle('Sign in')
  const session = useSession()
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
    if (!email.trim()) local.email = 'Enter your email address.'
    if (!password) local.password = 'Enter your password.'
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const result = await api<AuthResult>('/auth/login', { body: { email: email.trim(), password }, anonymous: true })
      setSession(sessionFrom(result))
      toast(`Welcome back, ${result.user.name || result.user.email}.`, 'success')
      navigate(next, { replace: true })
    } catch (err) {
      setErrors(fieldErrors(err))
      setError(err)
      setBusy(false)
    }
  }

  return (
    <section class="container page narrow">
      <PageTitle>Sign in</PageTitle>
      {session && <p class="muted">You are signed in as {session.user.email}. Signing in again switches account.</p>}
      <form class="card form" ref={form} onSubmit={submit} noValidate>
        <Field label="Email" name="email" type="email" autoComplete="email" value={email} onValue={setEmail} error={errors.email} required />
        <Field label="Password" name="password" type="password" autoComplete="current-password" value={password} onValue={setPassword} error={errors.password} required />
        <Alert error={Object.keys(errors).length ? undefined : error} />
        <button type="submit" class="button button-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="form-aside">
          <Link href={`/forgot-password${email.trim() ? `?email=${encodeURIComponent(email.trim())}` : ''}`}>Forgot your password?</Link>
        </p>
      </form>
      <p>
        New here? <Link href={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</Link>
      </p>
    </section>
  )
}

export function SignUp({ query }: { query: URLSearchParams }) {
  useTitle('Create an account')
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
    if (!name.trim()) local.name = 'Enter your name.'
    if (!email.trim()) local.email = 'Enter your email address.'
    else if (!looksLikeEmail(email)) local.email = 'Enter an email address like name@example.com.'
    if (password.length < 8) local.password = 'Use at least 8 characters.'
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const result = await api<AuthResult>('/auth/register', { body: { name: name.trim(), email: email.trim(), password }, anonymous: true })
      setSession(sessionFrom(result))
      toast(`Welcome to EasyPass, ${result.user.name}!`, 'success')
      navigate(next, { replace: true })
    } catch (err) {
      const fields = fieldErrors(err)
      if (err instanceof ApiError && err.status === 409 && !fields.email) fields.email = 'An account with this email already exists. Sign in instead.'
      setErrors(fields)
      setError(err)
      setBusy(false)
    }
  }

  return (
    <section class="container page narrow">
      <PageTitle>Create an account</PageTitle>
      <form class="card form" ref={form} onSubmit={submit} noValidate>
        <Field label="Name" name="name" autoComplete="name" value={name} onValue={setName} error={errors.name} required />
        <Field label="Email" name="email" type="email" autoComplete="email" value={email} onValue={setEmail} error={errors.email} required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onValue={setPassword}
          error={errors.password}
          hint="At least 8 characters."
          required
          minLength={8}
        />
        <Alert error={Object.keys(errors).length ? undefined : error} />
        <button type="submit" class="button button-block" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link href={`/signin${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>Sign in</Link>
      </p>
    </section>
  )
}
