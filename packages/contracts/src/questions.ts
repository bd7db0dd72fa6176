// Questions for buyers: what an organiser asks of every order of an event (a T-shirt size, a dietary
// need, "may we photograph you?"), or of each admission ticket in it (`perTicket`: each person's
// T-shirt size), answered at checkout. The checks are here, so the event editor, the
// checkout page, catalog and orders apply the same rules.
import { t, type Static } from 'elysia'
import { typedTextProblem } from './typed-text'
import { askedGiven } from './question-rules'
export { askedGiven } from './question-rules'

export const QUESTION_LIMITS = { questions: 20, label: 200, option: 100, options: 20, answer: 1000, answers: 2000, tickets: 2000 } as const
/** The answers a yes-no question takes. */
export const YES_NO = ['yes', 'no'] as const

const Kind = t.Union([t.Literal('text'), t.Literal('choice'), t.Literal('yes-no')], {
  description: '`text`: anything the buyer types (up to 1,000 characters); `choice`: one of `options`; `yes-no`: `yes` or `no`',
})
export type QuestionKind = Static<typeof Kind>
const QuestionId = t.String({ pattern: '^[a-z0-9]{8}$', description: 'made by the server; send it back to keep a question (and the answers given to it) when the list is saved again' })

/** Asked only when an earlier question (a choice or a yes-no) was answered with one of `values`. */
const ShowIf = t.Object(
  {
    questionId: QuestionId,
    values: t.Array(t.String({ minLength: 1, maxLength: QUESTION_LIMITS.option }), { minItems: 1, maxItems: QUESTION_LIMITS.options }),
  },
  {
    additionalProperties: false,
    description:
      'asked only when the question `questionId` (an earlier one in the list, a choice or a yes-no) is answered with one of `values`; of a question asked per ticket, for the same ticket (beyond the contract, additive; absent: always asked). A required question is required only when it is asked; an answer to one not asked is left out.',
  },
)
export type ShowIf = Static<typeof ShowIf>

export const EventQuestion = t.Object(
  {
    id: QuestionId,
    label: t.String({ examples: ['T-shirt size'] }),
    kind: Kind,
    options: t.Optional(t.Array(t.String(), { examples: [['S', 'M', 'L', 'XL']] })),
    required: t.Boolean({ description: 'a buyer cannot pay without answering it' }),
    perTicket: t.Optional(t.Literal(true, { description: 'asked for each admission ticket of an order (extras are not asked), answered with `ticket` (beyond the contract, additive; absent: once per order)' })),
    showIf: t.Optional(ShowIf),
  },
  { title: 'EventQuestion' },
)
export type EventQuestion = Static<typeof EventQuestion>

export const EventQuestionInput = t.Object({
  id: t.Optional(QuestionId),
  label: t.String({ minLength: 1, maxLength: QUESTION_LIMITS.label, pattern: '\\S' }),
  kind: Kind,
  options: t.Optional(t.Array(t.String({ minLength: 1, maxLength: QUESTION_LIMITS.option, pattern: '\\S' }), { maxItems: QUESTION_LIMITS.options })),
  required: t.Optional(t.Boolean()),
  perTicket: t.Optional(t.Boolean({ description: 'asked for each admission ticket of an order (default false: once per order)' })),
  showIf: t.Optional(ShowIf),
})
export type EventQuestionInput = Static<typeof EventQuestionInput>

export const EventQuestionsBody = t.Object({ questions: t.Array(EventQuestionInput, { maxItems: QUESTION_LIMITS.questions }) })
export type EventQuestionsBody = Static<typeof EventQuestionsBody>

export const EventQuestions = t.Object({ eventId: t.String(), questions: t.Array(EventQuestion) }, { title: 'EventQuestions' })
export type EventQuestions = Static<typeof EventQuestions>

export const OrderAnswerInput = t.Object({
  questionId: t.String({ minLength: 1, maxLength: 16 }),
  value: t.String({ maxLength: QUESTION_LIMITS.answer }),
  ticket: t.Optional(t.Integer({ minimum: 1, maximum: QUESTION_LIMITS.tickets, description: 'of a `perTicket` question: which admission ticket of the order, counted from 1 in the order of its lines (extras not counted)', error: `ticket must be a whole number from 1 to ${QUESTION_LIMITS.tickets}` })),
})
export type OrderAnswerInput = Static<typeof OrderAnswerInput>
export const OrderAnswersInput = t.Array(OrderAnswerInput, { maxItems: QUESTION_LIMITS.answers, description: "answers to the event's questions (`questions` of the event); required ones before paying; a `perTicket` question once for each admission ticket, with `ticket`" })

export const OrderAnswersBody = t.Object({ answers: OrderAnswersInput })
export type OrderAnswersBody = Static<typeof OrderAnswersBody>

export const OrderAnswer = t.Object({ questionId: t.String(), label: t.String({ description: 'the question as it was asked' }), value: t.String(), ticket: t.Optional(t.Integer({ description: "of a `perTicket` question: the admission ticket's number in the order" })) })
export type OrderAnswer = Static<typeof OrderAnswer>
export const OrderAnswers = t.Object({ orderId: t.String(), answers: t.Array(OrderAnswer) }, { title: 'OrderAnswers' })
export type OrderAnswers = Static<typeof OrderAnswers>

export interface Problem {
  path: string
  message: string
}

/** The questions as they will be kept (trimmed, ids given to new ones by `newId`), or what is wrong with the list. */
export function checkedQuestions(inputs: EventQuestionInput[], newId: () => string): { questions: EventQuestion[] } | { problem: Problem } {
  const questions: EventQuestion[] = []
  const ids = new Set<string>()
  const labels = new Set<string>()
  for (const [i, input] of inputs.entries()) {
    const at = (field: string, message: string) => ({ problem: { path: `questions.${i}${field ? `.${field}` : ''}`, message } })
    const label = input.label.trim()
    const labelProblem = typedTextProblem(label, 'line')
    if (labelProblem) return at('label', labelProblem)
    if (labels.has(label.toLowerCase())) return at('label', 'asked twice: each question once')
    labels.add(label.toLowerCase())
    if (input.id && ids.has(input.id)) return at('id', 'two questions with one id')
    const options = input.options?.map((o) => o.trim())
    if (input.kind === 'choice') {
      if (!options || options.length < 2) return at('options', 'a choice needs at least two options')
      for (const [j, option] of options.entries()) {
        const problem = typedTextProblem(option, 'line')
        if (problem) return { problem: { path: `questions.${i}.options.${j}`, message: problem } }
      }
      if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) return at('options', 'each option once')
    } else if (options !== undefined) return at('options', `only a choice has options, not ${input.kind}`)
    let showIf: ShowIf | undefined
    if (input.showIf) {
      // Only on an earlier question of the list (so no circle), one with set answers, by its answers.
      const on = questions.find((q) => q.id === input.showIf!.questionId)
      if (!on) return at('showIf.questionId', 'asked only after an earlier question of this list (save a new one first)')
      if (on.kind === 'text') return at('showIf.questionId', `"${on.label}" is answered in words: depend on a choice or a yes-no`)
      if (on.perTicket && !input.perTicket) return at('showIf.questionId', `"${on.label}" is asked for each ticket: a question asked once per order cannot depend on it`)
      const values = [...new Set(input.showIf.values.map((v) => v.trim()))]
      const takes = on.kind === 'choice' ? on.options! : [...YES_NO]
      const unknown = values.find((v) => !takes.includes(v))
      if (unknown !== undefined) return at('showIf.values', `"${on.label}" has no answer "${unknown}" (it takes ${takes.join(', ')})`)
      showIf = { questionId: on.id, values }
    }
    const id = input.id ?? newId()
    ids.add(id)
    questions.push({ id, label, kind: input.kind, ...(input.kind === 'choice' ? { options } : {}), required: input.required ?? false, ...(input.perTicket ? { perTicket: true as const } : {}), ...(showIf ? { showIf } : {}) })
  }
  return { questions }
}

/**
 * The answers as an order keeps them (with each question's words as asked), or what is wrong: an
 * unknown question, one answered twice, a value the question does not take, a ticket named for a
 * question asked once per order or none for one asked per ticket, a ticket beyond the order's
 * `tickets` (its admission tickets), or (`complete`) a required question left unanswered, of a
 * `perTicket` one for any ticket; a question asked on a condition (`showIf`) only when it is met. A blank
 * answer is no answer.
 */
export function checkedAnswers(questions: EventQuestion[], inputs: OrderAnswerInput[], complete: boolean, tickets = 0): { answers: OrderAnswer[] } | { problem: Problem } {
  const byId = new Map(questions.map((q) => [q.id, q]))
  const key = (questionId: string, ticket?: number) => (ticket ? `${questionId}#${ticket}` : questionId)
  // First what each answer is to (a question, a ticket), and its words; a blank answer is no answer.
  const raw = new Map<string, { value: string; i: number; question: EventQuestion; ticket?: number }>()
  const seen = new Set<string>()
  for (const [i, input] of inputs.entries()) {
    const at = (message: string, field = '') => ({ problem: { path: `answers.${i}${field}`, message } })
    const question = byId.get(input.questionId)
    if (!question) return at('not a question of this event')
    if (question.perTicket && input.ticket === undefined) return at(tickets ? `asked for each ticket: say which (1 to ${tickets})` : 'asked for each ticket, and this order has no admission ticket', '.ticket')
    if (!question.perTicket && input.ticket !== undefined) return at('asked once per order, not per ticket', '.ticket')
    if (input.ticket !== undefined && input.ticket > tickets) return at(`this order has ${tickets} admission ticket${tickets === 1 ? '' : 's'}`, '.ticket')
    const k = key(question.id, input.ticket)
    if (seen.has(k)) return at('answered twice')
    seen.add(k)
    const value = input.value.trim()
    if (value) raw.set(k, { value, i, question, ...(input.ticket !== undefined ? { ticket: input.ticket } : {}) })
  }
  // A question asked only on a condition: asked when its earlier question (itself asked) got one of the
  // values, for the same ticket when both are asked per ticket. An answer to one not asked is left out,
  // unchecked (the buyer changed their mind, or the organiser the condition).
  const shown = askedGiven(byId, (questionId, ticket) => raw.get(key(questionId, ticket))?.value)
  const given = new Map<string, string>()
  for (const [k, { value, i, question, ticket }] of raw) {
    if (!shown(question, ticket)) continue
    const at = (message: string) => ({ problem: { path: `answers.${i}`, message } })
    if (question.kind === 'choice' && !question.options?.includes(value)) return at(`one of: ${question.options?.join(', ')}`)
    if (question.kind === 'yes-no' && !(YES_NO as readonly string[]).includes(value)) return at('yes or no')
    const problem = question.kind === 'text' ? typedTextProblem(value, 'text') : undefined
    if (problem) return at(problem)
    given.set(k, value)
  }
  if (complete) {
    for (const q of questions) {
      if (!q.required) continue
      if (!q.perTicket && shown(q) && !given.has(q.id)) return { problem: { path: 'answers', message: `answer the organiser's question "${q.label}" first` } }
      for (let n = 1; q.perTicket && n <= tickets; n++)
        if (shown(q, n) && !given.has(key(q.id, n))) return { problem: { path: 'answers', message: `answer the organiser's question "${q.label}" for ticket ${n} first` } }
    }
  }
  // In the event's order of questions; a question asked per ticket, ticket by ticket.
  const answers: OrderAnswer[] = []
  for (const q of questions) {
    if (!q.perTicket) {
      if (given.has(q.id)) answers.push({ questionId: q.id, label: q.label, value: given.get(q.id)! })
      continue
    }
    const numbers = [...given.keys()].filter((k) => k.startsWith(`${q.id}#`)).map((k) => Number(k.slice(q.id.length + 1))).sort((a, b) => a - b)
    for (const n of numbers) answers.push({ questionId: q.id, label: q.label, value: given.get(key(q.id, n))!, ticket: n })
  }
  return { answers }
}

/** Why an order of `tickets` admission tickets cannot be answered in one body (too many answers asked), or undefined. */
export function tooManyAnswers(questions: readonly EventQuestion[], tickets: number): string | undefined {
  const perTicket = questions.filter((q) => q.perTicket).length
  if (!perTicket || perTicket * tickets + questions.length - perTicket <= QUESTION_LIMITS.answers) return undefined
  const most = Math.floor((QUESTION_LIMITS.answers - (questions.length - perTicket)) / perTicket)
  return `with ${perTicket} question${perTicket === 1 ? '' : 's'} asked for each ticket, one order takes at most ${most} admission tickets: split it`
}

/**
 * Stored answers that still fit the questions' shape: a question asked per order or per ticket (it may
 * have been switched since), and a ticket the order has. Those that no longer fit are left out, not held
 * against the order (its required questions are then asked again).
 */
export function answersStillFitting<A extends { questionId: string; ticket?: number }>(questions: readonly EventQuestion[], answers: readonly A[], tickets: number): A[] {
  const byId = new Map(questions.map((q) => [q.id, q]))
  return answers.filter((a) => {
    const q = byId.get(a.questionId)
    return !!q && (q.perTicket ? !!a.ticket && a.ticket <= tickets : !a.ticket)
  })
}

/**
 * Stored answers as they stand against the questions now: those that still fit (`answersStillFitting`)
 * and are asked (a condition met), and those to a question removed since (what the buyer said). What an
 * email or the attendee file shows, so they never show an answer the order's page hides as not asked.
 */
export function answersAsked<A extends { questionId: string; value: string; ticket?: number }>(questions: EventQuestion[], answers: readonly A[], tickets: number): A[] {
  const byId = new Map(questions.map((q) => [q.id, q]))
  // A question removed since: what the buyer said stays (with the words it was asked in).
  const fitting = answers.filter((a) => !byId.has(a.questionId) || answersStillFitting(questions, [a], tickets).length > 0)
  const valueOf = new Map(fitting.map((a) => [a.ticket ? `${a.questionId}#${a.ticket}` : a.questionId, a.value]))
  const shown = askedGiven(byId, (questionId, ticket) => valueOf.get(ticket ? `${questionId}#${ticket}` : questionId))
  return fitting.filter((a) => !byId.has(a.questionId) || shown(byId.get(a.questionId)!, a.ticket))
}
