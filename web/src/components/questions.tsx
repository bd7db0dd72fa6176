// The organiser's questions at checkout: one field per question (a choice or a yes/no to pick, a text to
// type), required ones marked; what the buyer gave comes back when the page is opened again.
import type { EventQuestion, OrderAnswers } from '@easypass/contracts/questions'
import { askedGiven } from '@easypass/contracts/question-rules'
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

/** An admission ticket of the order, asked the questions asked per ticket (extras are not asked). */
export interface AskedTicket {
  n: number
  name: string
}

/** The order's admission tickets in the order of its lines, numbered from 1 as the server numbers them. */
export function askedTickets(order: Pick<Order, 'items'> | undefined): AskedTicket[] {
  let n = 0
  return (order?.items ?? []).flatMap((i) => (i.addOn ? [] : Array.from({ length: i.quantity }, () => ({ n: ++n, name: i.name }))))
}

/** Where an answer is kept on the page: by question, and by ticket for a question asked per ticket. */
const keyOf = (q: EventQuestion, n?: number) => (n ? `${q.id}#${n}` : q.id)

/**
 * Whether a question is asked, as the server decides it: always, or (`showIf`) when its earlier question,
 * itself asked, got one of the values; for the same ticket when both are asked per ticket.
 */
function isAsked(questions: EventQuestion[], answers: Answers, q: EventQuestion, n?: number): boolean {
  const byId = new Map(questions.map((x) => [x.id, x]))
  return askedGiven(byId, (questionId, ticket) => answers[ticket ? `${questionId}#${ticket}` : questionId]?.trim() || undefined)(q, n)
}

/** Every field the questions make, as asked now: a question asked once, or once per ticket. */
function fieldsOf(questions: EventQuestion[], tickets: AskedTicket[], answers: Answers): Array<{ q: EventQuestion; ticket?: AskedTicket; key: string }> {
  return [
    ...questions.filter((q) => !q.perTicket && isAsked(questions, answers, q)).map((q) => ({ q, key: keyOf(q) })),
    ...tickets.flatMap((ticket) => questions.filter((q) => q.perTicket && isAsked(questions, answers, q, ticket.n)).map((q) => ({ q, ticket, key: keyOf(q, ticket.n) }))),
  ]
}

export function QuestionFields({ questions, tickets, answers, onAnswers, errors }: { questions: EventQuestion[]; tickets: AskedTicket[]; answers: Answers; onAnswers: (a: Answers) => void; errors: AnswerErrors }) {
  const m = useT(questionsText)
  const field = (q: EventQuestion, key: string, suffix = '') => {
    const label = q.required ? `${q.label} ${m.requiredMark}` : q.label
    const common = { label, name: `q-${q.id}${suffix}`, id: `f-q-${q.id}${suffix}`, value: answers[key] ?? '', onValue: (v: string) => onAnswers({ ...answers, [key]: v }), error: errors[key], required: q.required }
    if (q.kind === 'text') return <TextAreaField key={key} {...common} rows={2} maxLength={1000} />
    const options: Array<[string, string]> = q.kind === 'choice' ? (q.options ?? []).map((o) => [o, o]) : [['yes', m.yes], ['no', m.no]]
    return <SelectField key={key} {...common} options={[['', m.choose], ...options]} />
  }
  const perTicket = questions.filter((q) => q.perTicket)
  const someAsked = tickets.some((ticket) => perTicket.some((q) => isAsked(questions, answers, q, ticket.n)))
  return (
    // A question asked on a condition appears when its answer asks for it: said to a screen reader too.
    <fieldset class="questions" aria-live="polite" aria-relevant="additions">
      <legend>{m.title}</legend>
      {questions.filter((q) => !q.perTicket && isAsked(questions, answers, q)).map((q) => field(q, keyOf(q)))}
      {someAsked && (
        <p class="muted small" id="per-ticket-note">
          {m.perTicketNote}
        </p>
      )}
      {perTicket.length > 0 &&
        tickets.map((ticket) => {
          const asked = perTicket.filter((q) => isAsked(questions, answers, q, ticket.n))
          return asked.length ? (
            <fieldset key={ticket.n} class="ticket-questions" data-ticket={ticket.n} aria-describedby="per-ticket-note">
              <legend>{m.forTicket(ticket.n, ticket.name)}</legend>
              {asked.map((q) => field(q, keyOf(q, ticket.n), `-${ticket.n}`))}
            </fieldset>
          ) : null
        })}
    </fieldset>
  )
}

/** Required questions left open, said at their fields before anything is sent. */
export function openQuestions(questions: EventQuestion[], answers: Answers, tickets: AskedTicket[]): AnswerErrors {
  const m = t(questionsText)
  return Object.fromEntries(
    fieldsOf(questions, tickets, answers)
      .filter(({ q, key }) => q.required && !answers[key]?.trim())
      .map(({ key }) => [key, m.answerThis]),
  )
}

/** The answers as the server has them, by question (and ticket). */
export const answersFrom = (saved: OrderAnswers | null | undefined): Answers => Object.fromEntries((saved?.answers ?? []).map((a) => [a.ticket ? `${a.questionId}#${a.ticket}` : a.questionId, a.value]))

/** Sends the answers (blank ones are none); the server's refusals, by field, if any. */
export async function saveAnswers(orderId: string, questions: EventQuestion[], answers: Answers, tickets: AskedTicket[]): Promise<AnswerErrors | undefined> {
  const fields = fieldsOf(questions, tickets, answers).filter(({ key }) => answers[key]?.trim())
  const sent = fields.map(({ q, ticket, key }) => ({ questionId: q.id, value: answers[key]!.trim(), ...(ticket ? { ticket: ticket.n } : {}) }))
  try {
    await api<OrderAnswers>(`/orders/${orderId}/answers`, { method: 'PUT', body: { answers: sent } })
    return undefined
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 400) throw err
    const out: AnswerErrors = {}
    for (const [path, message] of Object.entries(err.fields)) {
      const index = /^answers\.(\d+)(\.ticket)?$/.exec(path)?.[1]
      const key = index !== undefined ? fields[Number(index)]?.key : fieldsOf(questions, tickets, answers).find(({ q, key }) => q.required && !answers[key]?.trim())?.key
      if (key) out[key] = message
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
  const tickets = askedTickets(order)
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
    const unanswered = openQuestions(questions, draft, tickets)
    setErrors(unanswered)
    setError(undefined)
    if (Object.keys(unanswered).length) return
    setBusy(true)
    try {
      const refused = await saveAnswers(order.id, questions, draft, tickets)
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
          <QuestionFields questions={questions} tickets={tickets} answers={draft} onAnswers={setDraft} errors={errors} />
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
            {fieldsOf(questions, tickets, given).map(({ q, ticket, key }) => (
              <div key={key}>
                <dt>{ticket ? `${m.forTicket(ticket.n, ticket.name)}: ${q.label}` : q.label}</dt>
                <dd>{given[key] ? (q.kind === 'yes-no' ? (given[key] === 'yes' ? m.yes : m.no) : given[key]) : <span class="muted">{m.notAnswered}</span>}</dd>
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
