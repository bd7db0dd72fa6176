// Passwords: asking for a reset link, choosing a new password from it, and the account page where a
// signed-in user changes theirs. A new password signs the account out everywhere else.
import { useMemo, useRef, useState } from 'preact/hooks'
import { accountText } from '../i18n/account'
import { api, ApiError } from '../lib/api'
import { day } from '../lib/format'
import { saveFile } from '../lib/download'
import { useAsync, useTitle } from '../lib/hooks'
import { t, useT } from '../lib/i18n'
import { Link, navigate, tokenFromLink } from '../lib/router'
import { sessionFrom, setSession, updateUser, useSession } from '../lib/session'
import type { AccountClosed, AuthResult, SavedBillingDetails, User } from '../lib/types'
import { toast } from '../components/overlay'
import { Alert, Field, Notice, PageTitle, useFocusFirstInvalid } from '../components/ui'
import { twoFactorText } from '../i18n/two-factor'
import { CodeField, codeAsked, TwoFactorSection } from './two-factor'
import { PasskeysSection } from './passkeys'
import { EmailedLink } from '../components/emailed-link'
import { guestText } from '../i18n/guest'

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
  const m = t(accountText)
  if (password.length < MIN_LENGTH) return { password: m.useAtLeast(MIN_LENGTH) }
  if (password !== repeated) return { repeated: m.notSame }
  return {}
}

/** The new password and the same again, as a password manager expects them. */
function NewPasswordFields(props: { name: string; value: string; onValue: (v: string) => void; error?: string; repeated: string; onRepeated: (v: string) => void; repeatedError?: string; hint?: string }) {
  const m = useT(accountText)
  return (
    <>
      <Field
        label={m.newPassword}
        name={props.name}
        type="password"
        autoComplete="new-password"
        value={props.value}
        onValue={props.onValue}
        error={props.error}
        hint={`${m.atLeast(MIN_LENGTH)}${props.hint ? ` ${props.hint}` : ''}`}
        required
        minLength={MIN_LENGTH}
      />
      <Field label={m.newPasswordAgain} name="repeated" type="password" autoComplete="new-password" value={props.repeated} onValue={props.onRepeated} error={props.repeatedError} required />
    </>
  )
}

export function ForgotPassword({ query }: { query: URLSearchParams }) {
  const m = useT(accountText)
  useTitle(m.resetTitle)
  return (
    <section class="container page narrow">
      <PageTitle>{m.resetTitle}</PageTitle>
      <EmailedLink
        path="/auth/password-reset"
        initial={query.get('email') ?? ''}
        words={{ email: m.email, enterEmail: m.enterAccountEmail, send: m.sendLink, sending: m.sending, sentTo: m.sentTo, noEmail: m.noEmail, useAnother: m.useAnother }}
        intro={m.forgotIntro}
        after={
          <p>
            {m.remembered} <Link href="/signin">{m.signIn}</Link>
          </p>
        }
        sentActions={
          <Link class="button" href="/signin">
            {m.backToSignIn}
          </Link>
        }
      />
    </section>
  )
}

export function ResetPassword() {
  const m = useT(accountText)
  useTitle(m.chooseTitle)
  const [token] = useState(tokenFromLink)
  const [password, setPassword] = useState('')
  const [repeated, setRepeated] = useState('')
  const [errors, setErrors] = useState<{ password?: string; repeated?: string; code?: string }>({})
  const [error, setError] = useState<unknown>()
  // The account signs in in two steps: the link takes its code too.
  const [needsCode, setNeedsCode] = useState(false)
  const [code, setCode] = useState('')
  const tf = useT(twoFactorText)
  const [linkRefused, setLinkRefused] = useState(false)
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)

  if (!token || linkRefused)
    return (
      <section class="container page narrow">
        <PageTitle>{m.chooseTitle}</PageTitle>
        <Alert error={token ? m.linkRefused : m.linkMissing} />
        <p class="actions">
          <Link class="button" href="/forgot-password">
            {m.askNewLink}
          </Link>
        </p>
      </section>
    )

  const submit = async (e: Event) => {
    e.preventDefault()
    const local: typeof errors = { ...checkNewPassword(password, repeated), ...(needsCode && !code.trim() ? { code: tf.enterCode } : {}) }
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const result = await api<AuthResult>('/auth/password-reset/confirm', { body: { token, password, ...(needsCode ? { code: code.trim() } : {}) }, anonymous: true })
      setSession(sessionFrom(result))
      toast(m.resetDone, 'success')
      navigate('/', { replace: true })
    } catch (err) {
      setBusy(false)
      if (err instanceof ApiError && err.fields.token) return setLinkRefused(true)
      if (codeAsked(err)) {
        setNeedsCode(true)
        return setErrors({ code: tf.codeAsked })
      }
      if (err instanceof ApiError && err.status === 401 && err.fields.code) return setErrors({ code: tf.wrongCode })
      setErrors(pick(err, ['password'] as const))
      setError(err)
    }
  }

  return (
    <section class="container page narrow">
      <PageTitle>{m.chooseTitle}</PageTitle>
      <form class="card form" ref={form} onSubmit={submit} noValidate>
        <NewPasswordFields name="password" value={password} onValue={setPassword} error={errors.password} repeated={repeated} onRepeated={setRepeated} repeatedError={errors.repeated} />
        {needsCode && <CodeField value={code} onValue={setCode} error={errors.code} />}
        <Alert error={Object.keys(errors).length ? undefined : error} />
        <button type="submit" class="button button-block" disabled={busy}>
          {busy ? m.saving : m.setNew}
        </button>
      </form>
    </section>
  )
}

/** The name on the account (orders and emails use it); the email is the sign-in name and stays. */
function NameForm({ user }: { user: User }) {
  const m = useT(accountText)
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
    if (!name.trim()) return setFieldError(m.enterName)
    setFieldError(undefined)
    setBusy(true)
    try {
      const saved = await api<User>('/auth/me', { method: 'PATCH', body: { name: name.trim() } })
      updateUser(saved)
      setName(saved.name)
      toast(m.nameSaved, 'success')
    } catch (err) {
      setFieldError(pick(err, ['name'] as const).name)
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card form" ref={form} onSubmit={submit} noValidate>
      <Field label={m.name} name="name" autoComplete="name" value={name} onValue={setName} error={fieldError} required maxLength={100} />
      <p class="muted">{m.emailAndSince(user.email, day(user.createdAt))}</p>
      <Alert error={fieldError ? undefined : error} />
      <button type="submit" class="button" disabled={busy}>
        {busy ? m.saving : m.saveName}
      </button>
    </form>
  )
}

/** Billing details kept from the buyer's last order (to fill in the next), and a way to forget them. */
function SavedBilling() {
  const m = useT(accountText)
  const saved = useAsync((signal) => api<SavedBillingDetails>('/orders/billing-details', { signal }), [])
  const [error, setError] = useState<unknown>()
  const details = saved.data?.billing
  if (!details) return null
  const forget = async () => {
    setError(undefined)
    try {
      await api('/orders/billing-details', { method: 'DELETE' })
      saved.setData({ billing: null })
      toast(m.billingForgotten, 'success')
    } catch (err) {
      setError(err)
    }
  }
  return (
    <section aria-labelledby="billing-title">
      <h2 id="billing-title">{m.invoiceDetails}</h2>
      <p>{m.fromLastOrder([details.name, details.company].filter(Boolean).join(', '), details.address.split('\n').join(', '), details.taxId)}</p>
      <Alert error={error} />
      <button type="button" class="button button-secondary" onClick={forget}>
        {m.forgetThem}
      </button>
    </section>
  )
}

export function Account() {
  const m = useT(accountText)
  useTitle(m.accountTitle)
  const session = useSession()
  const [current, setCurrent] = useState('')
  const [password, setPassword] = useState('')
  const [repeated, setRepeated] = useState('')
  const [code, setCode] = useState('')
  // Asked when the account has two-step sign-in on; also when the API asks (turned on in another tab).
  const [codeAskedHere, setCodeAskedHere] = useState(false)
  const [errors, setErrors] = useState<{ currentPassword?: string; newPassword?: string; repeated?: string; code?: string }>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const tf = useT(twoFactorText)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  if (!session) return null
  const { user } = session
  const needsCode = !!user.twoFactor || codeAskedHere

  const submit = async (e: Event) => {
    e.preventDefault()
    const checked = checkNewPassword(password, repeated)
    const local = {
      ...(current ? {} : { currentPassword: m.enterCurrent }),
      ...(checked.password ? { newPassword: checked.password } : {}),
      ...(checked.repeated ? { repeated: checked.repeated } : {}),
      ...(needsCode && !code.trim() ? { code: tf.enterCode } : {}),
    }
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const result = await api<AuthResult>('/auth/password', { body: { currentPassword: current, newPassword: password, ...(needsCode ? { code: code.trim() } : {}) } })
      setSession(sessionFrom(result))
      setCurrent('')
      setPassword('')
      setRepeated('')
      setCode('')
      toast(m.passwordChanged, 'success')
    } catch (err) {
      const fields = pick(err, ['currentPassword', 'newPassword', 'code'] as const)
      // A code asked for that this page did not know was needed: its field appears, with the question.
      if (fields.code && !needsCode) {
        setCodeAskedHere(true)
        setErrors({ code: tf.codeAsked })
        return
      }
      setErrors({ ...fields, ...(fields.code ? { code: tf.wrongCode } : {}) })
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="container page narrow">
      <PageTitle>{m.accountTitle}</PageTitle>
      <NameForm user={user} />
      <SavedBilling />
      {user.guest ? (
        <GuestAccount user={user} />
      ) : (
        <>
          <h2>{m.changeHeading}</h2>
          <form class="card form" ref={form} onSubmit={submit} noValidate>
            <Field label={m.currentPassword} name="currentPassword" type="password" autoComplete="current-password" value={current} onValue={setCurrent} error={errors.currentPassword} required />
            <NewPasswordFields
              name="newPassword"
              value={password}
              onValue={setPassword}
              error={errors.newPassword}
              repeated={repeated}
              onRepeated={setRepeated}
              repeatedError={errors.repeated}
              hint={m.otherDevices}
            />
            {needsCode && <CodeField id="password-code" value={code} onValue={setCode} error={errors.code} />}
            <Alert error={Object.keys(errors).length ? undefined : error} />
            <button type="submit" class="button" disabled={busy}>
              {busy ? m.changing : m.changePassword}
            </button>
          </form>
          <p>
            {m.forgotCurrent} <Link href={`/forgot-password?email=${encodeURIComponent(user.email)}`}>{m.resetByEmail}</Link>
          </p>
          <TwoFactorSection user={user} />
          <PasskeysSection user={user} />
        </>
      )}
      <YourData />
      <CloseAccount user={user} />
    </section>
  )
}

/**
 * The account page, for a guest: no password to change. How to come back, and a password to keep what
 * they bought in an account that signs in with the address they bought with.
 */
function GuestAccount({ user }: { user: User }) {
  const m = useT(guestText)
  const [password, setPassword] = useState('')
  const [repeated, setRepeated] = useState('')
  const [errors, setErrors] = useState<{ password?: string; repeated?: string }>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)

  const submit = async (e: Event) => {
    e.preventDefault()
    const local = checkNewPassword(password, repeated)
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      const result = await api<AuthResult>('/auth/guest/account', { body: { password } })
      setSession(sessionFrom(result))
      toast(m.kept(result.user.email), 'success')
    } catch (err) {
      setBusy(false)
      setErrors(pick(err, ['password'] as const))
      setError(err instanceof ApiError && err.status === 409 ? m.addressTaken : err)
    }
  }

  return (
    <>
      <Notice>
        <p>{m.guestAccount(user.email)}</p>
      </Notice>
      <h2>{m.keepHeading}</h2>
      <p>{m.keepIntro(user.email)}</p>
      <form class="card form" ref={form} onSubmit={submit} noValidate>
        <NewPasswordFields name="password" value={password} onValue={setPassword} error={errors.password} repeated={repeated} onRepeated={setRepeated} repeatedError={errors.repeated} />
        <Alert error={Object.keys(errors).length ? undefined : error} />
        <button type="submit" class="button" disabled={busy}>
          {busy ? m.creating : m.keep}
        </button>
      </form>
    </>
  )
}

/**
 * Closing the account, for good: folded away at the end of the page. The password confirms it (and a
 * code with two-step sign-in on); a guest has neither. An admin's or door staff's account is made a
 * customer by another admin first.
 */
function CloseAccount({ user }: { user: User }) {
  const m = useT(accountText)
  const tf = useT(twoFactorText)
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [sure, setSure] = useState(false)
  const [open, setOpen] = useState(false)
  // Asked when the account has two-step sign-in on; also when the API asks (turned on in another tab).
  const [needsCode, setNeedsCode] = useState(!!user.twoFactor)
  const [errors, setErrors] = useState<{ password?: string; code?: string; sure?: string }>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)

  const submit = async (e: Event) => {
    e.preventDefault()
    const local = {
      ...(!user.guest && !password ? { password: m.enterYourPassword } : {}),
      ...(!user.guest && needsCode && !code.trim() ? { code: tf.enterCode } : {}),
      ...(sure ? {} : { sure: m.closeTick }),
    }
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      await api<AccountClosed>('/auth/me/close', { body: user.guest ? {} : { password, ...(needsCode ? { code: code.trim() } : {}) } })
      setSession(null)
      toast(m.closed, 'success')
      navigate('/', { replace: true })
    } catch (err) {
      setBusy(false)
      const fields = pick(err, ['password', 'code'] as const)
      // A code asked for that this page did not know was needed: its field appears, with the question.
      if (fields.code && !needsCode) {
        setNeedsCode(true)
        return setErrors({ code: tf.codeAsked })
      }
      setErrors({ ...(fields.password ? { password: m.notCurrent } : {}), ...(fields.code ? { code: tf.wrongCode } : {}) })
      setError(err)
    }
  }

  return (
    <section aria-labelledby="close-title">
      <h2 id="close-title">{m.closeHeading}</h2>
      {user.role !== 'customer' || user.roleNeedsTwoFactor ? (
        <p>{m.closeWithRole}</p>
      ) : (
        <details onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>{m.closeOpen}</summary>
          {/* Drawn only once opened: its fields never stand beside the password change's while folded. */}
          {open && (
            <>
              <p>{m.closeWhat}</p>
              <p>{m.closeKept}</p>
              <form class="card form" ref={form} onSubmit={submit} noValidate>
                {!user.guest && <Field id="close-password" label={m.yourPassword} name="password" type="password" autoComplete="current-password" value={password} onValue={setPassword} error={errors.password} required />}
                {!user.guest && needsCode && <CodeField id="close-code" value={code} onValue={setCode} error={errors.code} />}
                <label class="choice">
                  <input type="checkbox" name="sure" checked={sure} onChange={(e) => setSure(e.currentTarget.checked)} aria-invalid={errors.sure ? true : undefined} aria-describedby={errors.sure ? 'close-sure-error' : undefined} />{' '}
                  {m.closeSure}
                </label>
                {errors.sure && (
                  <p class="field-error" id="close-sure-error">
                    {errors.sure}
                  </p>
                )}
                <Alert error={Object.keys(errors).length ? undefined : error} />
                <button type="submit" class="button button-danger" disabled={busy}>
                  {busy ? m.closing : m.closeButton}
                </button>
              </form>
            </>
          )}
        </details>
      )}
    </section>
  )
}

/**
 * What EasyPass keeps of the signed-in person, as one JSON file: the account and its passkeys (auth), the orders with
 * their tickets, answers and billing details (orders), the payments and refunds (payments) and the
 * notifications and waiting lists (notifications), each service answering for its own part.
 */
function YourData() {
  const m = useT(accountText)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const save = async () => {
    if (busy) return
    setBusy(true)
    setError(undefined)
    try {
      const [me, passkeys, orders, payments, notifications] = await Promise.all([
        api<User>('/auth/me'),
        api<{ items: unknown[] }>('/auth/passkeys'),
        api<Record<string, unknown>>('/orders/my-data'),
        api<Record<string, unknown>>('/payments/my-data'),
        api<Record<string, unknown>>('/notifications/my-data'),
      ])
      const exportedAt = new Date().toISOString()
      const file = { exportedAt, account: { ...me, passkeys: passkeys.items }, orders, payments, notifications }
      saveFile(new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }), `easypass-data-${exportedAt.slice(0, 10)}.json`)
      toast(m.dataSaved, 'success')
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title">{m.dataHeading}</h2>
      <p>{m.dataWhat}</p>
      <Alert error={error} />
      <button type="button" class="button button-secondary" onClick={save} disabled={busy}>
        {busy ? m.dataMaking : m.dataDownload}
      </button>
    </section>
  )
}
