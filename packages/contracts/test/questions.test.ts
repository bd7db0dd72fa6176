// The rules of answers to questions asked per order and per ticket, as every part of the system applies them.
import { describe, expect, test } from 'bun:test'
import { answersStillFitting, checkedAnswers, tooManyAnswers, type EventQuestion } from '../src/questions'

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
