// Two-step sign-in in the app: the code field the sign-in and new-password pages add when the server asks
// for it (401 TWO_FACTOR_REQUIRED), and the account page's section that sets up an authenticator app
// (its QR code from the server), shows the recovery codes once, and turns it off again.
import { useEffect, useRef, useState } from 'preact/hooks'
import { twoFactorText } from '../i18n/two-factor'
import { api, ApiError } from '../lib/api'
import { saveFile } from '../lib/download'
import { useT } from '../lib/i18n'
import { sessionFrom, setSession, updateUser } from '../lib/session'
import type { AuthResult, User } from '../lib/types'
import { toast } from '../components/overlay'
import { Alert, Field, Notice, useFocusFirstInvalid } from '../components/ui'

/** The server asks for the second step: the password was right. */
export const codeAsked = (error: unknown) => error instanceof ApiError && error.code === 'TWO_FACTOR_REQUIRED'

export function CodeField({ value, onValue, error, id = 'f-code' }: { value: string; onValue: (v: string) => void; error?: string; id?: string }) {
  const m = useT(twoFactorText)
  return (
    <Field
      id={id}
      label={m.code}
      name="code"
      autoComplete="one-time-code"
      autoCapitalize="off"
      spellcheck={false}
      value={value}
      onValue={onValue}
      error={error}
      hint={m.codeHint}
      maxLength={32}
      required
    />
  )
}

interface Setup {
  secret: string
  qrSvg: string
}

export function TwoFactorSection({ user }: { user: User }) {
  const m = useT(twoFactorText)
  const [setup, setSetup] = useState<Setup>()
  const [codes, setCodes] = useState<string[]>()
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [errors, setErrors] = useState<{ password?: string; code?: string }>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  // Whether it is on, as the server has it now (an admin may have turned it off since this session began).
  useEffect(() => {
    const controller = new AbortController()
    api<User>('/auth/me', { signal: controller.signal }).then(
      (me) => (me.twoFactor !== user.twoFactor || me.roleNeedsTwoFactor !== user.roleNeedsTwoFactor) && updateUser(me),
      () => {},
    )
    return () => controller.abort()
  }, [])

  const reset = () => {
    setPassword('')
    setCode('')
    setErrors({})
    setError(undefined)
  }
  /** A refusal on one of our two fields goes under it, in the page's language; anything else above the button. */
  const refused = (err: unknown) => {
    const fields = err instanceof ApiError ? err.fields : {}
    if (fields.password) setErrors({ password: fields.password })
    else if (fields.code) setErrors({ code: m.wrongCode })
    else setError(err)
  }
  const checked = () => {
    const local = { ...(password ? {} : { password: m.enterPassword }), ...(code.trim() ? {} : { code: m.enterCode }) }
    setErrors(local)
    setError(undefined)
    return Object.keys(local).length === 0
  }

  const start = async () => {
    reset()
    setBusy(true)
    try {
      setSetup(await api<Setup>('/auth/two-factor/setup', { method: 'POST' }))
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  /** Sends the password and the code to `path`; `done` takes the answer. A refusal goes under its field (a 409: `on409`, when given). */
  const confirmWith = async <T,>(path: string, done: (answer: T) => Promise<void> | void, on409?: () => void) => {
    if (!checked()) return
    setBusy(true)
    try {
      const answer = await api<T>(path, { body: { password, code: code.trim() } })
      reset()
      await done(answer)
    } catch (err) {
      if (on409 && err instanceof ApiError && err.status === 409) on409()
      else refused(err)
    } finally {
      setBusy(false)
    }
  }

  const turnOn = (e: Event) => {
    e.preventDefault()
    void confirmWith<AuthResult & { recoveryCodes: string[] }>(
      '/auth/two-factor/enable',
      async (answer) => {
        // Every earlier session ended; this one is new, with both steps (and the role that waited for them).
        setSession(sessionFrom(answer))
        setSetup(undefined)
        setCodes(answer.recoveryCodes)
        toast(m.turnedOn, 'success')
      },
      () => {
        setSetup(undefined)
        setError(m.setupExpired)
      },
    )
  }

  const turnOff = (e: Event) => {
    e.preventDefault()
    void confirmWith<User>('/auth/two-factor/disable', (me) => {
      updateUser(me)
      toast(m.turnedOff, 'success')
    })
  }

  const renew = () => void confirmWith<{ recoveryCodes: string[] }>('/auth/two-factor/recovery-codes', (answer) => setCodes(answer.recoveryCodes))

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes!.join('\n'))
      toast(m.copied, 'success')
    } catch {
      // No clipboard here (an insecure page, a refusal): the codes are on screen and can be downloaded.
    }
  }

  return (
    <section aria-labelledby="two-factor-title">
      <h2 id="two-factor-title">{m.heading}</h2>
      {user.roleNeedsTwoFactor && !codes && <Notice tone="warning">{m.roleNeeds}</Notice>}
      {codes ? (
        <div class="card form" data-recovery-codes>
          <h3>{m.codesHeading}</h3>
          <p>{m.codesIntro(codes.length)}</p>
          <ul class="recovery-codes" aria-label={m.codesHeading}>
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <div class="form-actions">
            <button type="button" class="button button-secondary" onClick={() => saveFile(new Blob([`${m.codesFileHeader}\n\n${codes.join('\n')}\n`], { type: 'text/plain;charset=utf-8' }), 'easypass-recovery-codes.txt')}>
              {m.download}
            </button>
            <button type="button" class="button button-secondary" onClick={copy}>
              {m.copy}
            </button>
            <button type="button" class="button" onClick={() => setCodes(undefined)}>
              {m.keptThem}
            </button>
          </div>
        </div>
      ) : user.twoFactor ? (
        <>
          <Notice tone="success">{m.isOn}</Notice>
          <form class="card form" ref={form} onSubmit={turnOff} noValidate aria-labelledby="two-factor-off-title">
            <h3 id="two-factor-off-title">{m.turnOffHeading}</h3>
            <Field id="f-tf-password" label={m.password} name="password" type="password" autoComplete="current-password" value={password} onValue={setPassword} error={errors.password} required />
            <CodeField value={code} onValue={setCode} error={errors.code} />
            <Alert error={error} />
            <div class="form-actions">
              <button type="submit" class="button button-secondary" disabled={busy}>
                {busy ? m.turningOff : m.turnOff}
              </button>
              <button type="button" class="button button-secondary" disabled={busy} onClick={renew}>
                {m.newCodes}
              </button>
            </div>
          </form>
        </>
      ) : setup ? (
        <form class="card form" ref={form} onSubmit={turnOn} noValidate aria-labelledby="two-factor-title">
          <p>{m.scan}</p>
          <img class="two-factor-qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`} alt={m.qrAlt} width={200} height={200} />
          <p>
            {m.typeKey} <code class="two-factor-key">{setup.secret.replace(/(.{4})(?=.)/g, '$1 ')}</code>
          </p>
          <p>{m.confirmIntro}</p>
          <CodeField value={code} onValue={setCode} error={errors.code} />
          <Field id="f-tf-password" label={m.password} name="password" type="password" autoComplete="current-password" value={password} onValue={setPassword} error={errors.password} required />
          <Alert error={error} />
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy}>
              {busy ? m.turningOn : m.turnOn}
            </button>
            <button type="button" class="button button-secondary" onClick={() => (setSetup(undefined), reset())}>
              {m.cancel}
            </button>
          </div>
        </form>
      ) : (
        <div class="card form">
          <p>{m.isOff}</p>
          <Alert error={error} />
          <button type="button" class="button" disabled={busy} onClick={start}>
            {busy ? m.preparing : m.setUp}
          </button>
        </div>
      )}
    </section>
  )
}
