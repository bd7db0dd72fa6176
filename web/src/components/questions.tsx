// The organiser's questions at checkout: one field per question (a choice or a yes/no to pick, a text to
// type), required ones marked; what the buyer gave comes back when the page is opened again.
import type { EventQuestion, OrderAnswers } from '@easypass/contracts/questions'
import { api, ApiError } from '../lib/api'
import { t, useT } from '../lib/i18n'
import { questionsText } from '../i18n/questions'
import { SelectField, TextAreaField } from './ui'

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
