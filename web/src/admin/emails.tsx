// The organiser's own words in the event's confirmation email, in its editor: a subject and an opening
// text per language, checked as the server checks them, previewed as buyers will get the email (drafts
// too), then saved for every language at once.
import { EMAIL_PLACEHOLDERS, EMAIL_TEXT_LIMITS, emailTextProblem, type EmailPreview, type EventEmails } from '@easypass/contracts/event-emails'
import { LANGUAGES, type Language } from '@easypass/contracts/languages'
import { useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { looksLikeEmail } from '../lib/format'
import { useAsync } from '../lib/hooks'
import { language, t, useT } from '../lib/i18n'
import { adminEmailsText } from '../i18n/admin-emails'
import type { EventItem } from '../lib/types'
import { toast } from '../components/overlay'
import { Alert, Field, SelectField, TextAreaField, useFocusFirstInvalid } from '../components/ui'

/** An example subject, in the language whose words are being written (not the page's). */
const SUBJECT_EXAMPLE: Record<Language, string> = { en: 'Your tickets for {event}', de: 'Ihre Tickets für {event}', fr: 'Vos billets pour {event}' }

type Words = Record<Language, { subject: string; body: string }>
type Errors = { subject?: string; body?: string; replyTo?: string }

const blank = (): Words => Object.fromEntries(LANGUAGES.map((l) => [l, { subject: '', body: '' }])) as Words
const wordsOf = (saved: EventEmails | undefined): Words => {
  const words = blank()
  for (const lang of LANGUAGES) words[lang] = { subject: saved?.confirmation.subject[lang] ?? '', body: saved?.confirmation.body[lang] ?? '' }
  return words
}
const same = (a: Words, b: Words) => LANGUAGES.every((l) => a[l].subject.trim() === b[l].subject.trim() && a[l].body.trim() === b[l].body.trim())
const hasOwn = (w: Words[Language]) => !!(w.subject.trim() || w.body.trim())

/** What the server would refuse in one language's words, before asking it. */
function problemsOf(w: Words[Language]): Errors {
  const m = t(adminEmailsText)
  const errors: Errors = {}
  const subject = w.subject.trim()
  const body = w.body.trim()
  if (subject.length > EMAIL_TEXT_LIMITS.subject) errors.subject = m.tooLong(EMAIL_TEXT_LIMITS.subject, subject.length)
  else if (subject) {
    const problem = emailTextProblem(subject, 'subject')
    if (problem) errors.subject = m.problem(problem)
  }
  if (body.length > EMAIL_TEXT_LIMITS.body) errors.body = m.tooLong(EMAIL_TEXT_LIMITS.body, body.length)
  else if (body) {
    const problem = emailTextProblem(body, 'body')
    if (problem) errors.body = m.problem(problem)
  }
  return errors
}

export function EventEmailsSection({ event }: { event: EventItem }) {
  const m = useT(adminEmailsText)
  const loaded = useAsync((signal) => api<EventEmails>(`/events/${event.id}/emails`, { signal }), [event.id])
  // The words as saved: as loaded, or as this page last saved them.
  const [stored, setStored] = useState<EventEmails | undefined>()
  const saved = stored ?? loaded.data
  // What the page shows until saved: the drafts, once the saved words are known.
  const [draft, setDraft] = useState<Words | undefined>()
  const words = draft ?? wordsOf(saved)
  const [replyDraft, setReplyDraft] = useState<string | undefined>()
  const replyTo = replyDraft ?? saved?.replyTo ?? ''
  // The words of the page's language first: an organiser working in German writes the German email first.
  const [lang, setLang] = useState<Language>(language())
  const [errors, setErrors] = useState<Errors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState<'preview' | 'save' | undefined>()
  const [preview, setPreview] = useState<(EmailPreview & { language: Language }) | undefined>()
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  const edit = (key: 'subject' | 'body') => (value: string) => {
    setDraft({ ...words, [lang]: { ...words[lang], [key]: value } })
    setErrors((e) => ({ ...e, [key]: undefined }))
  }
  const changed = !!saved && (!same(words, wordsOf(saved)) || replyTo.trim() !== (saved.replyTo ?? ''))

  /** The first language whose words the server would refuse, shown with its errors; none: true. */
  const checked = () => {
    if (replyTo.trim() && !looksLikeEmail(replyTo.trim())) {
      setErrors({ replyTo: m.replyToInvalid })
      return false
    }
    const order = [lang, ...LANGUAGES.filter((l) => l !== lang)]
    for (const l of order) {
      const problems = problemsOf(words[l])
      if (problems.subject || problems.body) {
        setLang(l)
        setErrors(problems)
        return false
      }
    }
    setErrors({})
    return true
  }

  const fieldErrors = (err: unknown, only?: Language) => {
    if (!(err instanceof ApiError)) return false
    for (const [path, message] of Object.entries(err.fields)) {
      if (path === 'replyTo') {
        setErrors({ replyTo: message })
        return true
      }
      const m = /^(?:confirmation\.)?(subject|body)(?:\.(en|de|fr))?$/.exec(path)
      if (!m) continue
      setLang((m[2] as Language | undefined) ?? only ?? lang)
      setErrors({ [m[1]!]: message })
      return true
    }
    return false
  }

  const showPreview = async () => {
    setError(undefined)
    const problems = problemsOf(words[lang])
    setErrors(problems)
    if (problems.subject || problems.body) return
    setBusy('preview')
    try {
      const answer = await api<EmailPreview>(`/events/${event.id}/emails/preview`, { body: { language: lang, subject: words[lang].subject, body: words[lang].body } })
      setPreview({ ...answer, language: lang })
    } catch (err) {
      if (!fieldErrors(err, lang)) setError(err)
    } finally {
      setBusy(undefined)
    }
  }

  const save = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    if (!checked()) return
    setBusy('save')
    try {
      const confirmation = {
        subject: Object.fromEntries(LANGUAGES.map((l) => [l, words[l].subject.trim()]).filter(([, v]) => v)),
        body: Object.fromEntries(LANGUAGES.map((l) => [l, words[l].body.trim()]).filter(([, v]) => v)),
      }
      const answer = await api<EventEmails>(`/events/${event.id}/emails`, { method: 'PUT', body: { confirmation, ...(replyTo.trim() ? { replyTo: replyTo.trim() } : {}) } })
      setStored(answer)
      setDraft(undefined)
      setReplyDraft(undefined)
      toast(m.saved, 'success')
    } catch (err) {
      if (!fieldErrors(err)) setError(err)
    } finally {
      setBusy(undefined)
    }
  }

  const languages: Array<[string, string]> = LANGUAGES.map((l) => [l, m.option(l, hasOwn(words[l]))])
  return (
    <section class="card" aria-labelledby="emails-title">
      <h2 id="emails-title">{m.title}</h2>
      <p class="muted">{m.intro}</p>
      {loaded.error && !saved ? (
        <Alert error={loaded.error} onRetry={loaded.reload} />
      ) : !saved ? (
        <p class="muted" role="status">
          {m.loading}
        </p>
      ) : (
        <form ref={form} onSubmit={save} noValidate aria-labelledby="emails-title">
          <SelectField id="em-language" label={m.wordsIn} name="language" value={lang} onValue={(v) => (setLang(v as Language), setErrors({}))} options={languages} />
          <Field
            id="em-subject"
            label={m.subjectIn(m.language(lang))}
            name="subject"
            value={words[lang].subject}
            onValue={edit('subject')}
            error={errors.subject}
            maxLength={EMAIL_TEXT_LIMITS.subject + 50}
            placeholder={SUBJECT_EXAMPLE[lang]}
          />
          <TextAreaField
            id="em-body"
            label={m.bodyIn(m.language(lang))}
            name="body"
            rows={5}
            value={words[lang].body}
            onValue={edit('body')}
            error={errors.body}
            hint={m.bodyHint}
          />
          <Field
            id="em-reply-to"
            label={m.replyTo}
            name="replyTo"
            type="email"
            value={replyTo}
            onValue={(v) => (setReplyDraft(v), setErrors((e) => ({ ...e, replyTo: undefined })))}
            error={errors.replyTo}
            hint={m.replyToHint}
          />
          <details class="placeholders">
            <summary>{m.placeholders}</summary>
            <dl>
              {Object.entries(EMAIL_PLACEHOLDERS).map(([name, what]) => (
                <div key={name}>
                  <dt>
                    <code>{`{${name}}`}</code>
                  </dt>
                  <dd>{m.placeholder(name, what)}</dd>
                </div>
              ))}
            </dl>
          </details>
          <Alert error={error} />
          {changed && <p class="muted">{m.notSaved}</p>}
          <div class="form-actions">
            <button type="submit" class="button" disabled={!!busy || !changed}>
              {busy === 'save' ? m.saving : m.save}
            </button>
            <button type="button" class="button button-secondary" disabled={!!busy} onClick={showPreview}>
              {busy === 'preview' ? m.preparing : m.preview(m.language(lang))}
            </button>
          </div>
        </form>
      )}
      {preview && (
        <div class="email-preview" aria-label={m.previewLabel} role="region">
          <p>
            <strong>{m.subject}</strong> {preview.subject}
          </p>
          <p class="muted">{m.sample(m.language(preview.language))}</p>
          {/* No scripts, no forms, no navigation: the email's HTML is shown, never run. */}
          <iframe title={m.frameTitle} sandbox="" srcDoc={preview.html} class="email-frame" />
        </div>
      )}
    </section>
  )
}
