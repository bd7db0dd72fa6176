// The organiser's questions at checkout: one field per question (a choice or a yes/no to pick, a text to
// type), required ones marked; what the buyer gave comes back when the page is opened again.
import type { EventQuestion, OrderAnswers } from '@easypass/contracts/questions'
import { useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { useAsync } from '../lib/hooks'
import { t, useT } from '../lib/i18n'
import { getEvent } from '../lib/live'
import type { Order } from '../lib/types'
import { questionsText } from '../i18n/questions'
import { toast } from './overlay'
import { Alert, SelectField, TextAreaField, useFocusFirstInvalid } from './ui'

export type Answers = Record<string, string>
export type AnswerErrors = Record<string, string>

export function QuestionFields({ questions, answers, onAnswers, errors }: { questions: EventQuestion[]; answers: Answers; onAnswers: (a: Answers) => void; errors: AnswerErrors }) {
  const m = useT(questionsText)
  return (
    <fieldset class="questions">
      <legend>{m.title}</legend>
      {questions.map((q) => {
        const label = q.required ? `${q.label} ${m.requiredMark}` : q.label
        const common = { label, name: `q-${q.id}`, id: `f-q-${q.id}`, value: answers[q.id] ?? '', onValue: (v: string) => onAnswers({ ...answers, [q.id]: v }), error: errors[q.id], required: q.required }
        if (q.kind === 'text') return <TextAreaField key={q.id} {...common} rows={2} maxLength={1000} />
        const options: Array<[string, string]> =
          q.kind === 'choice' ? (q.options ?? []).map((o) => [o, o]) : [['yes', m.yes], ['no', m.no]]
        return <SelectField key={q.id} {...common} options={[['', m.choose], ...options]} />
      })}
    </fieldset>
  )
}

/** Required questions left open, said at their fields before anything is sent. */
export function openQuestions(questions: EventQuestion[], answers: Answers): AnswerErrors {
  const m = t(questionsText)
  return Object.fromEntries(questions.filter((q) => q.required && !answers[q.id]?.trim()).map((q) => [q.id, m.answerThis]))
}

/** The answers as the server has them, by question. */
export const answersFrom = (saved: OrderAnswers | null | undefined): Answers => Object.fromEntries((saved?.answers ?? []).map((a) => [a.questionId, a.value]))

/** Sends the answers (blank ones are none); the server's refusals, by question, if any. */
export async function saveAnswers(orderId: string, questions: EventQuestion[], answers: Answers): Promise<AnswerErrors | undefined> {
  const sent = questions.filter((q) => answers[q.id]?.trim()).map((q) => ({ questionId: q.id, value: answers[q.id]!.trim() }))
  try {
    await api<OrderAnswers>(`/orders/${orderId}/answers`, { method: 'PUT', body: { answers: sent } })
    return undefined
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 400) throw err
    const out: AnswerErrors = {}
    for (const [path, message] of Object.entries(err.fields)) {
      const index = /^answers\.(\d+)$/.exec(path)?.[1]
      const question = index !== undefined ? sent[Number(index)]?.questionId : questions.find((q) => q.required && !answers[q.id]?.trim())?.id
      if (question) out[question] = message
    }
    if (!Object.keys(out).length) throw err
    return out
  }
}

/** A paid order's answers on its page, changed there until the event starts (a required one stays answered). */
export function OrderAnswersSection({ order }: { order: Order }) {
  const m = useT(questionsText)
  const event = useAsync(() => getEvent(order.eventId), [order.eventId])
  const questions = event.data?.questions ?? []
  const saved = useAsync(async (signal) => (questions.length ? api<OrderAnswers>(`/orders/${order.id}/answers`, { signal }) : null), [order.id, questions.length])
  const [draft, setDraft] = useState<Answers>()
  const [errors, setErrors] = useState<AnswerErrors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  if (!questions.length || !saved.data) return null
  const given = answersFrom(saved.data)
  const open = !!event.data && Date.parse(event.data.startsAt) > Date.now()

  const save = async (e: Event) => {
    e.preventDefault()
    if (!draft || busy) return
    const unanswered = openQuestions(questions, draft)
    setErrors(unanswered)
    setError(undefined)
    if (Object.keys(unanswered).length) return
    setBusy(true)
    try {
      const refused = await saveAnswers(order.id, questions, draft)
      if (refused) return setErrors(refused)
      toast(m.saved, 'success')
      setDraft(undefined)
      saved.reload()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="answers-title">
      <h2 id="answers-title">{m.yourAnswers}</h2>
      {draft ? (
        <form class="form" ref={form} onSubmit={save} noValidate>
          <QuestionFields questions={questions} answers={draft} onAnswers={setDraft} errors={errors} />
          <Alert error={error} />
          <p class="actions">
            <button type="submit" class="button" aria-disabled={busy ? true : undefined}>
              {busy ? m.saving : m.save}
            </button>
            <button type="button" class="button button-secondary" onClick={() => (setDraft(undefined), setErrors({}))}>
              {m.cancel}
            </button>
          </p>
        </form>
      ) : (
        <>
          <dl class="answers">
            {questions.map((q) => (
              <div key={q.id}>
                <dt>{q.label}</dt>
                <dd>{given[q.id] ? (q.kind === 'yes-no' ? (given[q.id] === 'yes' ? m.yes : m.no) : given[q.id]) : <span class="muted">{m.notAnswered}</span>}</dd>
              </div>
            ))}
          </dl>
          {open && (
            <p>
              <button type="button" class="button button-secondary" onClick={() => setDraft(given)}>
                {m.change}
              </button>{' '}
              <span class="muted">{m.untilStart}</span>
            </p>
          )}
        </>
      )}
    </section>
  )
}
