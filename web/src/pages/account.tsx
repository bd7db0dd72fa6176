// Passwords: asking for a reset link, choosing a new password from it, and the account page where a
// signed-in user changes theirs. A new password signs the account out everywhere else.
import { useMemo, useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { day } from '../lib/format'
import { useAsync, useTitle } from '../lib/hooks'
import { Link, navigate } from '../lib/router'
import { sessionFrom, setSession, updateUser, useSession } from '../lib/session'
import type { AuthResult, SavedBillingDetails, User } from '../lib/types'
import { toast } from '../components/overlay'
import { Alert, Field, Notice, PageTitle, useFocusFirstInvalid } from '../components/ui'

const MIN_LENGTH = 8

/** The API's field errors under the names this page uses; the rest is shown as one alert. */
function pick<K extends string>(error: unknown, keys: readonly K[]): Partial<Record<K, string>> {
  if (!(error instanceof ApiError)) return {}
  const out: Partial<Record<K, string>> = {}
  for (const key of keys) if (error.fields[key]) out[key] = error.fields[key]
  return out
}

/** The new password twice: too short or not the same → the field's error, before anything is sent. */
function checkNewPassword(password: string, repeated: string): { password?: string; repeated?: string } {
  if (password.length < MIN_LENGTH) return { password: `Use at least ${MIN_LENGTH} characters.` }
  if (password !== repeated) return { repeated: 'The two passwords are not the same.' }
  return {}
}

/** The new password and the same again, as a password manager expects them. */
function NewPasswordFields(props: { name: string; value: string; onValue: (v: string) => void; error?: string; repeated: string; onRepeated: (v: string) => void; repeatedError?: string; hint?: string }) {
  return (
    <>
      <Field
        label="New password"
        name={props.name}
        type="password"
        autoComplete="new-password"
        value={props.value}
        onValue={props.onValue}
        error={props.error}
        hint={`At least ${MIN_LENGTH} characters.${props.hint ? ` ${props.hint}` : ''}`}
        required
        minLength={MIN_LENGTH}
      />
      <Field label="New password, again" name="repeated" type="password" autoComplete="new-password" value={props.repeated} onValue={props.onRepeated} error={props.repeatedError} required />
    </>
  )
}

export function ForgotPassword({ query }: { query: URLSearchParams }) {
  useTitle('Reset your password')
  const [email, setEmail] = useState(query.get('email') ?? '')
  const [errors, setErrors] = useState<{ email?: string }>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const [sentTo, setSentTo] = useState<string>()
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)

  const submit = async (e: Event) => {
    e.preventDefault()
    const address = email.trim()
    const local = address ? {} : { email: 'Enter the email address of your account.' }
    setErrors(local)
    setError(undefined)
    if (!address) return
    setBusy(true)
    try {
      await api('/auth/password-reset', { body: { email: address }, anonymous: true })
      setSentTo(address)
    } catch (err) {
      setErrors(pick(err, ['email'] as const))
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="container page narrow">
      <PageTitle>Reset your password</PageTitle>
      {sentTo ? (
        <>
          <Notice tone="success">
            <p>
              If an account has the address <strong>{sentTo}</strong>, an email with a link to choose a new password is on its way. The link works once, for a limited time.
            </p>
          </Notice>
          <p class="muted">No email after a few minutes? Check the spam folder, or make sure the address is the one you signed up with.</p>
          <p class="actions">
            <button type="button" class="button button-secondary" onClick={() => setSentTo(undefined)}>
              Use another address
            </button>
            <Link class="button" href="/signin">
              Back to sign in
            </Link>
          </p>
        </>
      ) : (
        <>
          <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
          <form class="card form" ref={form} onSubmit={submit} noValidate>
            <Field label="Email" name="email" type="email" autoComplete="email" value={email} onValue={setEmail} error={errors.email} required />
            <Alert error={errors.email ? undefined : error} />
            <button type="submit" class="button button-block" disabled={busy}>
              {busy ? 'Sending…' : 'Send the link'}
            </button>
          </form>
          <p>
            Remembered it? <Link href="/signin">Sign in</Link>
          </p>
        </>
      )}
    </section>
  )
}

/** The token comes in the link's fragment (`#token=…`), which no server ever sees; it is taken off the address bar at once. */
function tokenFromLink(): string {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? ''
  if (token) history.replaceState(history.state, '', location.pathname + location.search)
  return token
}

export function ResetPassword() {
  useTitle('Choose a new password')
  const [token] = useState(tokenFromLink)
  const [password, setPassword] = useState('')
  const [repeated, setRepeated] = useState('')
  const [errors, setErrors] = useState<{ password?: string; repeated?: string }>({})
  const [error, setError] = useState<unknown>()
  const [linkRefused, setLinkRefused] = useState(false)
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)

  if (!token || linkRefused)
    return (
      <section class="container page narrow">
        <PageTitle>Choose a new password</PageTitle>
        <Alert error={token ? 'This link is not valid any more: it was used already, it has expired, or the password was changed since it was sent.' : 'This page needs the link from the password reset email. Open the link from the email, or ask for a new one.'} />
        <p class="actions">
          <Link class="button" href="/forgot-password">
            Ask for a new link
          </Link>
        </p>
      </section>
    )

  const submit = async (e: Event) => {
    e.preventDefault()
    const local = checkNewPassword(password, repeated)
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const result = await api<AuthResult>('/auth/password-reset/confirm', { body: { token, password }, anonymous: true })
      setSession(sessionFrom(result))
      toast('Your new password is set. You are signed in, and signed out on every other device.', 'success')
      navigate('/', { replace: true })
    } catch (err) {
      if (err instanceof ApiError && err.fields.token) return setLinkRefused(true)
      setErrors(pick(err, ['password'] as const))
      setError(err)
      setBusy(false)
    }
  }

  return (
    <section class="container page narrow">
      <PageTitle>Choose a new password</PageTitle>
      <form class="card form" ref={form} onSubmit={submit} noValidate>
        <NewPasswordFields name="password" value={password} onValue={setPassword} error={errors.password} repeated={repeated} onRepeated={setRepeated} repeatedError={errors.repeated} />
        <Alert error={Object.keys(errors).length ? undefined : error} />
        <button type="submit" class="button button-block" disabled={busy}>
          {busy ? 'Saving…' : 'Set the new password'}
        </button>
      </form>
    </section>
  )
}

/** The name on the account (orders and emails use it); the email is the sign-in name and stays. */
function NameForm({ user }: { user: User }) {
  const [name, setName] = useState(user.name)
  const [fieldError, setFieldError] = useState<string>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  // One object per error, not per render: a new one would move focus back here at every keystroke elsewhere.
  const errors = useMemo(() => ({ name: fieldError }), [fieldError])
  useFocusFirstInvalid(form, errors)

  const submit = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    if (!name.trim()) return setFieldError('Enter your name.')
    setFieldError(undefined)
    setBusy(true)
    try {
      const saved = await api<User>('/auth/me', { method: 'PATCH', body: { name: name.trim() } })
      updateUser(saved)
      setName(saved.name)
      toast('Your name is saved.', 'success')
    } catch (err) {
      setFieldError(pick(err, ['name'] as const).name)
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card form" ref={form} onSubmit={submit} noValidate>
      <Field label="Name" name="name" autoComplete="name" value={name} onValue={setName} error={fieldError} required maxLength={100} />
      <p class="muted">
        Email: <strong>{user.email}</strong> · member since {day(user.createdAt)}
      </p>
      <Alert error={fieldError ? undefined : error} />
      <button type="submit" class="button" disabled={busy}>
        {busy ? 'Saving…' : 'Save name'}
      </button>
    </form>
  )
}

/** Billing details kept from the buyer's last order (to fill in the next), and a way to forget them. */
function SavedBilling() {
  const saved = useAsync((signal) => api<SavedBillingDetails>('/orders/billing-details', { signal }), [])
  const [error, setError] = useState<unknown>()
  const details = saved.data?.billing
  if (!details) return null
  const forget = async () => {
    setError(undefined)
    try {
      await api('/orders/billing-details', { method: 'DELETE' })
      saved.setData({ billing: null })
      toast('Your invoice details are forgotten.', 'success')
    } catch (err) {
      setError(err)
    }
  }
  return (
    <section aria-labelledby="billing-title">
      <h2 id="billing-title">Invoice details</h2>
      <p>
        From your last order, to fill in the next: {[details.name, details.company].filter(Boolean).join(', ')}, {details.address.split('\n').join(', ')}
        {details.taxId ? ` (tax number ${details.taxId})` : ''}.
      </p>
      <Alert error={error} />
      <button type="button" class="button button-secondary" onClick={forget}>
        Forget them
      </button>
    </section>
  )
}

export function Account() {
  useTitle('Your account')
  const session = useSession()
  const [current, setCurrent] = useState('')
  const [password, setPassword] = useState('')
  const [repeated, setRepeated] = useState('')
  const [errors, setErrors] = useState<{ currentPassword?: string; newPassword?: string; repeated?: string }>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  if (!session) return null
  const { user } = session

  const submit = async (e: Event) => {
    e.preventDefault()
    const checked = checkNewPassword(password, repeated)
    const local = { ...(current ? {} : { currentPassword: 'Enter your current password.' }), ...(checked.password ? { newPassword: checked.password } : {}), ...(checked.repeated ? { repeated: checked.repeated } : {}) }
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const result = await api<AuthResult>('/auth/password', { body: { currentPassword: current, newPassword: password } })
      setSession(sessionFrom(result))
      setCurrent('')
      setPassword('')
      setRepeated('')
      toast('Your password is changed. Every other device is signed out.', 'success')
    } catch (err) {
      setErrors(pick(err, ['currentPassword', 'newPassword'] as const))
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="container page narrow">
      <PageTitle>Your account</PageTitle>
      <NameForm user={user} />
      <SavedBilling />
      <h2>Change your password</h2>
      <form class="card form" ref={form} onSubmit={submit} noValidate>
        <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" value={current} onValue={setCurrent} error={errors.currentPassword} required />
        <NewPasswordFields
          name="newPassword"
          value={password}
          onValue={setPassword}
          error={errors.newPassword}
          repeated={repeated}
          onRepeated={setRepeated}
          repeatedError={errors.repeated}
          hint="Every other device you are signed in on will be signed out."
        />
        <Alert error={Object.keys(errors).length ? undefined : error} />
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
      <p>
        Forgot your current password? <Link href={`/forgot-password?email=${encodeURIComponent(user.email)}`}>Reset it by email</Link>
      </p>
    </section>
  )
}
