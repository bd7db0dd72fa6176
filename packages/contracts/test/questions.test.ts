// The rules of answers to questions asked per order and per ticket, as every part of the system applies them.
import { describe, expect, test } from 'bun:test'
import { answersAsked, answersStillFitting, checkedAnswers, checkedQuestions, tooManyAnswers, type EventQuestion } from '../src/questions'

const diet: EventQuestion = { id: 'diet0001', label: 'Dietary needs', kind: 'text', required: false }
const size: EventQuestion = { id: 'size0001', label: 'T-shirt size', kind: 'choice', options: ['S', 'M'], required: true, perTicket: true }

describe('answers to questions asked per ticket', () => {
  test('one per admission ticket, each ticket required; kept question by question, ticket by ticket', () => {
    const ok = checkedAnswers([diet, size], [{ questionId: size.id, value: 'M', ticket: 2 }, { questionId: size.id, value: 'S', ticket: 1 }, { questionId: diet.id, value: ' none ' }], true, 2)
    expect(ok).toEqual({
      answers: [
        { questionId: diet.id, label: 'Dietary needs', value: 'none' },
        { questionId: size.id, label: 'T-shirt size', value: 'S', ticket: 1 },
        { questionId: size.id, label: 'T-shirt size', value: 'M', ticket: 2 },
      ],
    })
    // A held order may be answered in parts; paying needs every ticket's.
    expect(checkedAnswers([size], [{ questionId: size.id, value: 'S', ticket: 1 }], false, 2)).toMatchObject({ answers: [{ ticket: 1 }] })
    expect(checkedAnswers([size], [{ questionId: size.id, value: 'S', ticket: 1 }], true, 2)).toEqual({ problem: { path: 'answers', message: 'answer the organiser\'s question "T-shirt size" for ticket 2 first' } })
  })

  test('a ticket missing, given to an order question, beyond the order, or twice: refused at that answer', () => {
    const problem = (inputs: Array<{ questionId: string; value: string; ticket?: number }>, tickets = 2) => (checkedAnswers([diet, size], inputs, false, tickets) as { problem?: { path: string; message: string } }).problem
    expect(problem([{ questionId: size.id, value: 'S' }])).toEqual({ path: 'answers.0.ticket', message: 'asked for each ticket: say which (1 to 2)' })
    expect(problem([{ questionId: size.id, value: 'S' }], 0)?.message).toBe('asked for each ticket, and this order has no admission ticket')
    expect(problem([{ questionId: diet.id, value: 'x', ticket: 1 }])).toEqual({ path: 'answers.0.ticket', message: 'asked once per order, not per ticket' })
    expect(problem([{ questionId: size.id, value: 'S', ticket: 3 }])).toEqual({ path: 'answers.0.ticket', message: 'this order has 2 admission tickets' })
    expect(problem([{ questionId: size.id, value: 'S', ticket: 1 }, { questionId: size.id, value: 'M', ticket: 1 }])).toEqual({ path: 'answers.1', message: 'answered twice' })
  })

  test('an order too big for its answers to fit one body is said before anything is held', () => {
    expect(tooManyAnswers([diet, size], 1999)).toBeUndefined()
    expect(tooManyAnswers([diet, size], 2000)).toBe('with 1 question asked for each ticket, one order takes at most 1999 admission tickets: split it')
    expect(tooManyAnswers([diet], 100_000)).toBeUndefined()
  })

  test('answers given before a question was switched to or from per ticket are left out, not held against the order', () => {
    const switched = { ...diet, perTicket: true as const }
    const stored = [{ questionId: diet.id, value: 'vegan' }, { questionId: size.id, value: 'S', ticket: 1 }, { questionId: size.id, value: 'M', ticket: 5 }, { questionId: 'gone0001', value: 'x' }]
    expect(answersStillFitting([switched, size], stored, 2)).toEqual([{ questionId: size.id, value: 'S', ticket: 1 }])
    expect(answersStillFitting([diet, { ...size, perTicket: undefined }], stored, 2)).toEqual([{ questionId: diet.id, value: 'vegan' }])
  })
})

describe('questions asked on a condition', () => {
  const camping: EventQuestion = { id: 'camp0001', label: 'Camping?', kind: 'yes-no', required: true }
  const tent: EventQuestion = { id: 'tent0001', label: 'Tent size', kind: 'choice', options: ['1p', '2p'], required: true, showIf: { questionId: camping.id, values: ['yes'] } }
  const shirt: EventQuestion = { id: 'shrt0001', label: 'T-shirt?', kind: 'yes-no', required: true, perTicket: true }
  const cut: EventQuestion = { id: 'cut00001', label: 'Cut', kind: 'choice', options: ['straight', 'fitted'], required: true, perTicket: true, showIf: { questionId: shirt.id, values: ['yes'] } }

  test('required only when asked; an answer to one not asked is left out', () => {
    expect(checkedAnswers([camping, tent], [{ questionId: camping.id, value: 'no' }, { questionId: tent.id, value: '2p' }], true)).toEqual({ answers: [{ questionId: camping.id, label: 'Camping?', value: 'no' }] })
    expect(checkedAnswers([camping, tent], [{ questionId: camping.id, value: 'yes' }], true)).toEqual({ problem: { path: 'answers', message: 'answer the organiser\'s question "Tent size" first' } })
    // Per ticket: asked for the ticket whose own answer asks it.
    const perTicket = checkedAnswers([shirt, cut], [{ questionId: shirt.id, value: 'yes', ticket: 1 }, { questionId: shirt.id, value: 'no', ticket: 2 }, { questionId: cut.id, value: 'fitted', ticket: 1 }], true, 2)
    expect(perTicket).toMatchObject({ answers: [{ questionId: shirt.id, ticket: 1 }, { questionId: shirt.id, ticket: 2 }, { questionId: cut.id, value: 'fitted', ticket: 1 }] })
    expect(checkedAnswers([shirt, cut], [{ questionId: shirt.id, value: 'yes', ticket: 1 }, { questionId: shirt.id, value: 'yes', ticket: 2 }, { questionId: cut.id, value: 'fitted', ticket: 1 }], true, 2)).toEqual({ problem: { path: 'answers', message: 'answer the organiser\'s question "Cut" for ticket 2 first' } })
  })

  test('a condition on an earlier question with set answers, by its answers; never a per-order question on a per-ticket one', () => {
    let n = 0
    const id = () => `new0000${n++}`
    const base = [{ id: camping.id, label: 'Camping?', kind: 'yes-no' as const }, { id: shirt.id, label: 'T-shirt?', kind: 'yes-no' as const, perTicket: true }, { id: 'text0001', label: 'Diet', kind: 'text' as const }]
    const problem = (showIf: { questionId: string; values: string[] }, perTicket = false) => (checkedQuestions([...base, { label: 'Q', kind: 'text', perTicket, showIf }], id) as { problem?: { path: string; message: string } }).problem
    expect(checkedQuestions([...base, { label: 'Tent', kind: 'text', showIf: { questionId: camping.id, values: ['yes'] } }], id)).toMatchObject({ questions: [{}, {}, {}, { label: 'Tent', showIf: { questionId: camping.id, values: ['yes'] } }] })
    expect(problem({ questionId: 'zzzz0000', values: ['yes'] })?.path).toBe('questions.3.showIf.questionId')
    expect(problem({ questionId: 'text0001', values: ['x'] })?.message).toContain('answered in words')
    expect(problem({ questionId: shirt.id, values: ['yes'] })?.message).toContain('cannot depend on it')
    expect(problem({ questionId: shirt.id, values: ['yes'] }, true)).toBeUndefined()
    expect(problem({ questionId: camping.id, values: ['maybe'] })).toEqual({ path: 'questions.3.showIf.values', message: '"Camping?" has no answer "maybe" (it takes yes, no)' })
    // A later question cannot be depended on: the condition comes first in the list.
    expect((checkedQuestions([{ label: 'Q', kind: 'text', showIf: { questionId: camping.id, values: ['yes'] } }, ...base], id) as { problem?: unknown }).problem).toBeDefined()
  })

  test('an answer to a question not asked is not checked either; stored answers are shown as they stand now', () => {
    // An option renamed since, on a question no longer asked: no 400 that the buyer could not clear.
    expect(checkedAnswers([camping, tent], [{ questionId: camping.id, value: 'no' }, { questionId: tent.id, value: 'Three people' }], true)).toEqual({ answers: [{ questionId: camping.id, label: 'Camping?', value: 'no' }] })
    const stored = [
      { questionId: camping.id, label: 'Camping?', value: 'no' },
      { questionId: tent.id, label: 'Tent size', value: '2p' },
      { questionId: shirt.id, label: 'T-shirt?', value: 'yes', ticket: 1 },
      { questionId: cut.id, label: 'Cut', value: 'fitted', ticket: 1 },
      { questionId: cut.id, label: 'Cut', value: 'straight', ticket: 2 },
    ]
    expect(answersAsked([camping, tent, shirt, cut], stored, 2).map((a) => [a.questionId, a.ticket])).toEqual([
      [camping.id, undefined],
      [shirt.id, 1],
      [cut.id, 1],
    ])
    // A question removed since: its answer stays, as said.
    expect(answersAsked([tent, shirt, cut], stored, 2).map((a) => [a.questionId, a.ticket])).toEqual([
      [camping.id, undefined],
      [tent.id, undefined],
      [shirt.id, 1],
      [cut.id, 1],
    ])
  })
})
