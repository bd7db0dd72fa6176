// Passkeys in the app (`@simplewebauthn/browser` speaks to the browser's WebAuthn): the sign-in page's
// "Sign in with a passkey", and the account page's list of passkeys with adding and removing them.
import { useEffect, useRef, useState } from 'preact/hooks'
// The library is fetched when a passkey is first used: the sign-in page stays as light as it was.
const webAuthn = () => import('@simplewebauthn/browser')
/** This browser has WebAuthn (what `browserSupportsWebAuthn` checks, without loading the library for it). */
const browserSupportsWebAuthn = () => typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function'
import { passkeysText } from '../i18n/passkeys'
import { twoFactorText } from '../i18n/two-factor'
import { accountText } from '../i18n/account'
import { api, ApiError } from '../lib/api'
import { day } from '../lib/format'
import { useAsync } from '../lib/hooks'
import { t, useT } from '../lib/i18n'
import type { AuthResult, User } from '../lib/types'
import { confirmDialog, toast } from '../components/overlay'
import { Alert, Field, Loading, Notice, useFocusFirstInvalid } from '../components/ui'
import { CodeField } from './two-factor'

interface Passkey {
  id: string
  name: string
  createdAt: string
  lastUsedAt?: string
  synced: boolean
}

/** What the server said was wrong, in a word (`details.reason`), for words of the page's language. */
const reasonOf = (error: ApiError) => (error.details as { reason?: string } | undefined)?.reason

/** The person closed the browser's passkey prompt, or let it time out: nothing to report but that. */
const cancelled = (error: unknown) => error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError' || (error as { code?: string }).code === 'ERROR_CEREMONY_ABORTED')

/** Another ceremony took over (the button's, or the page left): not the person's doing, nothing to say. */
const aborted = (error: unknown) => error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ERROR_CEREMONY_ABORTED')

/**
 * A sign-in with any passkey the browser keeps for this site: no address typed. Two ways in: the button,
 * and the address field's suggestions (WebAuthn's conditional mediation, "passkey autofill": the form's
 * field says `webauthn` in its autocomplete, and the browser lists this site's passkeys under it beside
 * saved addresses). The suggestions wait with a challenge of their own from the moment the page opens;
 * the button's ceremony aborts that wait, and the wait begins again if the button signs nobody in.
 */
export function PasskeySignIn({ onSignedIn }: { onSignedIn: (result: AuthResult) => void }) {
  const m = useT(passkeysText)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const suggest = useRef<(() => void) | undefined>(undefined)
  // While the button's prompt is open, the suggestions do not wait (a wait would abort the prompt).
  const prompting = useRef(false)
  // The latest of each for the suggestions' wait, which outlives renders.
  const latest = useRef({ m, onSignedIn })
  latest.current = { m, onSignedIn }

  const report = (err: unknown) => {
    const { m } = latest.current
    setBusy(false)
    if (cancelled(err)) return setError(m.cancelled)
    if (err instanceof ApiError && err.status === 401) return setError(reasonOf(err) === 'unknown' ? m.unknownPasskey : m.refused)
    if (err instanceof ApiError && reasonOf(err) === 'off') return setError(m.off)
    setError(err)
  }

  useEffect(() => {
    if (!browserSupportsWebAuthn()) return
    let live = true
    // One wait at a time; each with a new challenge (one is good for 5 minutes, and once).
    let waiting = false
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))
    const wait = async () => {
      if (waiting || prompting.current) return
      waiting = true
      try {
        const lib = await webAuthn()
        if (!live || !(await lib.browserSupportsWebAuthnAutofill())) return
        // A few rounds in a row: a wait the browser ended (its time limit), or a passkey the server refused, starts another.
        for (let round = 0; live && round < 5; round++) {
          let started: { challengeId: string; options: any }
          try {
            started = await api<{ challengeId: string; options: any }>('/auth/passkeys/sign-in/options', { method: 'POST', anonymous: true })
          } catch (err) {
            // Passkeys off on this site: nothing to offer, and nothing to say (the button says it if pressed).
            if (err instanceof ApiError && reasonOf(err) === 'off') return
            // The API away: again a little later, quietly.
            await pause(2_000 * (round + 1))
            continue
          }
          if (!live || prompting.current) return
          let credential
          try {
            credential = await lib.startAuthentication({ optionsJSON: started.options, useBrowserAutofill: true })
          } catch (err) {
            // Aborted by the button's prompt (which starts the wait again when it ends) or by leaving the page.
            if (!live || aborted(err)) return
            // The browser's time limit: quietly again.
            continue
          }
          // A passkey picked: from here on it is the person's sign-in, and what goes wrong is said.
          setBusy(true)
          setError(undefined)
          try {
            latest.current.onSignedIn(await api<AuthResult>('/auth/passkeys/sign-in', { body: { challengeId: started.challengeId, credential }, anonymous: true }))
            return
          } catch (err) {
            if (!live) return
            report(err)
          }
        }
      } catch {
        // No library, no autofill: the button is still there.
      } finally {
        waiting = false
      }
    }
    suggest.current = () => void wait()
    void wait()
    return () => {
      live = false
      suggest.current = undefined
      void webAuthn().then((lib) => lib.WebAuthnAbortService.cancelCeremony(), () => {})
    }
  }, [])

  if (!browserSupportsWebAuthn()) return null

  const signIn = async () => {
    setBusy(true)
    setError(undefined)
    prompting.current = true
    try {
      const started = await api<{ challengeId: string; options: any }>('/auth/passkeys/sign-in/options', { method: 'POST', anonymous: true })
      // This ceremony aborts the suggestions' wait.
      const credential = await (await webAuthn()).startAuthentication({ optionsJSON: started.options })
      onSignedIn(await api<AuthResult>('/auth/passkeys/sign-in', { body: { challengeId: started.challengeId, credential }, anonymous: true }))
    } catch (err) {
      report(err)
    } finally {
      prompting.current = false
      // Nobody signed in (or the page is left, and this does nothing): the address field offers the passkeys again.
      setTimeout(() => suggest.current?.(), 0)
    }
  }

  return (
    <div class="passkey-sign-in">
      <p class="divider" aria-hidden="true">
        <span>{m.or}</span>
      </p>
      <Alert error={error} />
      <button type="button" class="button button-secondary button-block" disabled={busy} onClick={signIn}>
        {busy ? m.signingIn : m.signInWithPasskey}
      </button>
    </div>
  )
}

export function PasskeysSection({ user }: { user: User }) {
  const m = useT(passkeysText)
  const tf = useT(twoFactorText)
  const am = useT(accountText)
  const list = useAsync((signal) => api<{ items: Passkey[] }>('/auth/passkeys', { signal }), [user.id])
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [errors, setErrors] = useState<{ password?: string; code?: string; name?: string }>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  // The device's answer, kept while only the password (or code) was wrong: sent again without asking the device twice.
  const made = useRef<unknown>(undefined)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  const supported = browserSupportsWebAuthn()

  const add = async (e: Event) => {
    e.preventDefault()
    const local = { ...(password ? {} : { password: m.enterPassword }), ...(user.twoFactor && !code.trim() ? { code: tf.enterCode } : {}) }
    setErrors(local)
    setError(undefined)
    if (Object.keys(local).length) return
    setBusy(true)
    try {
      if (!made.current) {
        const { options } = await api<{ options: any }>('/auth/passkeys/options', { method: 'POST' })
        made.current = await (await webAuthn()).startRegistration({ optionsJSON: options })
      }
      const added = await api<Passkey>('/auth/passkeys', {
        body: { password, ...(user.twoFactor ? { code: code.trim() } : {}), ...(name.trim() ? { name: name.trim() } : {}), credential: made.current },
      })
      made.current = undefined
      setName('')
      setPassword('')
      setCode('')
      list.setData((prev) => ({ items: [...(prev?.items ?? []), added] }))
      toast(m.addedToast, 'success')
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : {}
      if (fields.password) return setErrors({ password: am.notCurrent })
      if (fields.code) return setErrors({ code: tf.wrongCode })
      // Too many tries for now: the challenge was not spent, the device's answer is sent again later.
      if (err instanceof ApiError && err.status === 429) return setError(err)
      made.current = undefined
      if (cancelled(err)) return setError(m.cancelled)
      if ((err as { code?: string }).code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return setError(m.alreadyAdded)
      const reason = err instanceof ApiError && err.status === 409 ? reasonOf(err) : undefined
      if (reason === 'too-many') return setError(m.tooMany)
      if (reason === 'added-already') return setError(m.alreadyAdded)
      if (reason === 'start-again') return setError(m.startAgain)
      if (reason === 'off') return setError(m.off)
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  const [renaming, setRenaming] = useState<{ id: string; name: string; error?: string }>()
  /** The row's form in place of its name, with focus in the field. */
  const openRename = (passkey: Passkey) => {
    setRenaming({ id: passkey.id, name: passkey.name })
    requestAnimationFrame(() => document.getElementById('f-pk-rename')?.focus())
  }
  /** Keyboard focus back on the row's Rename button once its form closes (saved or cancelled). */
  const closeRename = (id: string) => {
    setRenaming(undefined)
    requestAnimationFrame(() => document.querySelector<HTMLButtonElement>(`[data-passkey="${CSS.escape(id)}"] [data-rename]`)?.focus())
  }
  const rename = async (e: Event) => {
    e.preventDefault()
    if (!renaming) return
    if (!renaming.name.trim()) return setRenaming({ ...renaming, error: m.enterName })
    try {
      const renamed = await api<Passkey>(`/auth/passkeys/${encodeURIComponent(renaming.id)}`, { method: 'PATCH', body: { name: renaming.name.trim() } })
      list.setData((prev) => ({ items: (prev?.items ?? []).map((p) => (p.id === renamed.id ? renamed : p)) }))
      closeRename(renamed.id)
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        setRenaming(undefined)
        return list.reload()
      }
      setRenaming({ ...renaming, error: err instanceof ApiError ? err.message : String(err) })
    }
  }

  const remove = async (passkey: Passkey) => {
    if (!(await confirmDialog({ title: m.removeTitle(passkey.name), message: m.removeMessage, confirmLabel: m.remove, danger: true }))) return
    try {
      await api(`/auth/passkeys/${encodeURIComponent(passkey.id)}`, { method: 'DELETE' })
      list.setData((prev) => ({ items: (prev?.items ?? []).filter((p) => p.id !== passkey.id) }))
      toast(m.removed, 'success')
    } catch (err) {
      // Removed meanwhile (another tab): the list says so once reloaded.
      if (err instanceof ApiError && err.status === 404) return list.reload()
      toast(err instanceof ApiError ? err.message : String(err), 'error')
    }
  }

  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">{m.heading}</h2>
      <p>{m.intro}</p>
      {user.roleNeedsTwoFactor && <Notice>{m.roleWithPasskey}</Notice>}
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <Alert error={list.error} onRetry={list.reload} />
      ) : list.data!.items.length === 0 ? (
        <p class="muted">{m.none}</p>
      ) : (
        <ul class="card passkeys" aria-label={m.listLabel}>
          {list.data!.items.map((p) => (
            <li key={p.id} data-passkey={p.id}>
              {renaming?.id === p.id ? (
                <form class="passkey-rename" onSubmit={rename} onKeyDown={(e) => e.key === 'Escape' && closeRename(p.id)} noValidate>
                  <Field id="f-pk-rename" label={m.newName} name="passkeyName" value={renaming.name} onValue={(name) => setRenaming({ ...renaming, name, error: undefined })} error={renaming.error} maxLength={60} autoComplete="off" required />
                  <div class="form-actions">
                    <button type="submit" class="button button-small">
                      {m.save}
                    </button>
                    <button type="button" class="button button-small button-secondary" onClick={() => closeRename(p.id)}>
                      {m.cancel}
                    </button>
                  </div>
                </form>
              ) : (
                <>
                  <div>
                    <strong>{p.name}</strong>
                    <p class="muted">
                      {m.added(day(p.createdAt))}
                      {p.lastUsedAt ? `, ${m.lastUsed(day(p.lastUsedAt))}` : ''} · {p.synced ? m.synced : m.oneDevice}
                    </p>
                  </div>
                  <div class="passkey-actions">
                    <button type="button" class="button button-small button-secondary" data-rename onClick={() => openRename(p)} aria-label={`${m.rename}: ${p.name}`}>
                      {m.rename}
                    </button>
                    <button type="button" class="button button-small button-secondary" onClick={() => remove(p)} aria-label={`${m.remove}: ${p.name}`}>
                      {m.remove}
                    </button>
                  </div>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {supported ? (
        <form class="card form" ref={form} onSubmit={add} noValidate aria-labelledby="passkey-add-title">
          <h3 id="passkey-add-title">{m.addHeading}</h3>
          <Field id="f-pk-name" label={m.name} name="passkeyName" value={name} onValue={setName} hint={m.nameHint} maxLength={60} autoComplete="off" />
          <Field id="f-pk-password" label={m.password} name="password" type="password" autoComplete="current-password" value={password} onValue={setPassword} error={errors.password} required />
          {user.twoFactor && <CodeField id="f-pk-code" value={code} onValue={setCode} error={errors.code} />}
          <Alert error={error} />
          <button type="submit" class="button" disabled={busy}>
            {busy ? m.adding : m.add}
          </button>
        </form>
      ) : (
        <p class="muted">{t(passkeysText).notSupported}</p>
      )}
    </section>
  )
}
