// The questions an event asks of every order, in its editor: each a label, a kind (a text, a choice of
// options, a yes or no), whether it is required and whether it is asked for each ticket; checked as the server checks them, saved at once.
import { checkedQuestions, QUESTION_LIMITS, type EventQuestion, type EventQuestions, type QuestionKind } from '@easypass/contracts/questions'
import { useRef, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api'
import { forgetEvent } from '../lib/live'
import type { EventItem } from '../lib/types'
import { useT } from '../lib/i18n'
import { adminQuestionsText } from '../i18n/admin-questions'
import { questionsText } from '../i18n/questions'
import { toast } from '../components/overlay'
import { Alert, Field, SelectField, TextAreaField, useFocusFirstInvalid } from '../components/ui'

interface Row {
  key: number
  id?: string
  label: string
  kind: QuestionKind
  /** One option per line (a choice). */
  options: string
  required: boolean
  /** Asked for each admission ticket of an order, not once per order. */
  perTicket: boolean
  /** Asked only when this earlier (saved) question got one of `showIfValues`; '' for always. */
  showIfId: string
  showIfValues: string[]
}
type RowErrors = Record<string, string>

let nextKey = 1
const rowOf = (q: EventQuestion): Row => ({ key: nextKey++, id: q.id, label: q.label, kind: q.kind, options: (q.options ?? []).join('\n'), required: q.required, perTicket: !!q.perTicket, showIfId: q.showIf?.questionId ?? '', showIfValues: q.showIf?.values ?? [] })
const inputOf = (r: Row, on?: Row) => ({
  ...(r.id ? { id: r.id } : {}),
  label: r.label.trim(),
  kind: r.kind,
  ...(r.kind === 'choice' ? { options: r.options.split('\n').map((o) => o.trim()).filter(Boolean) } : {}),
  required: r.required,
  ...(r.perTicket ? { perTicket: true } : {}),
  ...(r.showIfId && on ? { showIf: { questionId: r.showIfId, values: r.showIfValues.filter((v) => answersOfRow(on).includes(v)) } } : r.showIfId ? { showIf: { questionId: r.showIfId, values: r.showIfValues } } : {}),
})

/** The list as sent: each condition's ticked answers cut down to those its question still takes. */
const inputsOf = (rows: Row[]) => rows.map((r, i) => inputOf(r, rows.slice(0, i).find((c) => c.id === r.showIfId)))

/** The earlier questions this one may be asked after: saved, with set answers; per order only on per-order ones. */
const conditionsFor = (row: Row, earlier: Row[]) => earlier.filter((r) => r.id && r.kind !== 'text' && (row.perTicket || !r.perTicket))
/** The answers a question with set answers takes (options as they stand in the editor). */
const answersOfRow = (r: Row) => (r.kind === 'choice' ? r.options.split('\n').map((o) => o.trim()).filter(Boolean) : r.kind === 'yes-no' ? ['yes', 'no'] : [])
const sentence = (problem: string) => `${problem[0]!.toUpperCase()}${problem.slice(1)}.`

/** `questions.2.options.1` → the field of the row it is about (`<row key>.label|options`); null: no field shows it. */
function errorKey(path: string, rows: Row[]): string | null {
  const match = /^questions\.(\d+)(?:\.(\w+))?/.exec(path)
  const row = match ? rows[Number(match[1])] : undefined
  if (!row) return null
  const field = match![2] ?? 'label'
  return field === 'label' || field === 'options' || field === 'showIf' ? `${row.key}.${field}` : null
}

export function EventQuestionsSection({ event }: { event: EventItem }) {
  const m = useT(adminQuestionsText)
  const kinds: Array<[QuestionKind, string]> = [
    ['text', m.kinds.text],
    ['choice', m.kinds.choice],
    ['yes-no', m.kinds['yes-no']],
  ]
  const [rows, setRows] = useState<Row[]>(() => (event.questions ?? []).map(rowOf))
  const [saved, setSaved] = useState(() => JSON.stringify(inputsOf((event.questions ?? []).map(rowOf))))
  const [errors, setErrors] = useState<RowErrors>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  useFocusFirstInvalid(form, errors)
  const changed = JSON.stringify(inputsOf(rows)) !== saved
  /** A row changed or removed: what was said at it no longer stands. */
  const forget = (key: number) => setErrors((said) => (Object.keys(said).some((k) => k.startsWith(`${key}.`)) ? Object.fromEntries(Object.entries(said).filter(([k]) => !k.startsWith(`${key}.`))) : said))
  const edit = (key: number, change: Partial<Row>) => {
    setRows(rows.map((r) => (r.key === key ? { ...r, ...change } : r)))
    forget(key)
  }
  /** Said at its field, or above the buttons when no field shows it. */
  const refuse = (found: Array<[string, string]>, otherwise: unknown) => {
    const shown: RowErrors = {}
    for (const [path, message] of found) {
      const key = errorKey(path, rows)
      if (key && !shown[key]) shown[key] = sentence(message)
    }
    setErrors(shown)
    if (!Object.keys(shown).length) setError(otherwise)
  }

  const save = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    const inputs = inputsOf(rows)
    const blank = rows.find((r) => !r.label.trim())
    if (blank) return setErrors({ [`${blank.key}.label`]: m.writeQuestion })
    // A condition on a question removed, moved below, made text or asked per ticket since: chosen again.
    const broken = rows.find((r, i) => r.showIfId && !conditionsFor(r, rows.slice(0, i)).some((c) => c.id === r.showIfId))
    if (broken) return setErrors({ [`${broken.key}.showIf`]: m.conditionGone })
    const noValue = rows.find((r, i) => r.showIfId && !r.showIfValues.some((v) => answersOfRow(rows.slice(0, i).find((c) => c.id === r.showIfId)!).includes(v)))
    if (noValue) return setErrors({ [`${noValue.key}.showIf`]: m.tickAnswer })
    const checked = checkedQuestions(inputs, () => 'unsaved0')
    if ('problem' in checked) return refuse([[checked.problem.path, checked.problem.message]], new Error(checked.problem.message))
    setErrors({})
    setBusy(true)
    try {
      const answer = await api<EventQuestions>(`/events/${event.id}/questions`, { method: 'PUT', body: { questions: inputs } })
      const now = answer.questions.map(rowOf)
      setRows(now)
      setSaved(JSON.stringify(inputsOf(now)))
      forgetEvent(event.id)
      toast(answer.questions.length ? m.saved : m.none, 'success')
    } catch (err) {
      refuse(err instanceof ApiError ? Object.entries(err.fields) : [], err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="questions-title">
      <h2 id="questions-title">{m.title}</h2>
      <p class="muted">{m.intro(QUESTION_LIMITS.questions)}</p>
      <form class="form" ref={form} onSubmit={save} noValidate>
        {rows.map((r, i) => (
          <fieldset key={r.key} class="question-row">
            <legend>{m.questionN(i + 1)}</legend>
            <Field label={m.question} name={`q${i}-label`} id={`q${r.key}-label`} value={r.label} onValue={(label) => edit(r.key, { label })} error={errors[`${r.key}.label`]} maxLength={QUESTION_LIMITS.label} />
            <SelectField label={m.answer} name={`q${i}-kind`} id={`q${r.key}-kind`} value={r.kind} onValue={(kind) => edit(r.key, { kind: kind as QuestionKind })} options={kinds} />
            {r.kind === 'choice' && (
              <TextAreaField
                label={m.options}
                name={`q${i}-options`}
                id={`q${r.key}-options`}
                value={r.options}
                onValue={(options) => edit(r.key, { options })}
                error={errors[`${r.key}.options`]}
                hint={m.optionsHint}
                rows={3}
              />
            )}
            <label class="choice">
              <input type="checkbox" checked={r.required} onChange={(ev) => edit(r.key, { required: ev.currentTarget.checked })} /> {m.required}
            </label>{' '}
            <label class="choice">
              <input type="checkbox" checked={r.perTicket} onChange={(ev) => edit(r.key, { perTicket: ev.currentTarget.checked })} /> {m.perTicket}
            </label>{' '}
            <Condition row={r} earlier={rows.slice(0, i)} index={i} error={errors[`${r.key}.showIf`]} onChange={(change) => edit(r.key, change)} />
            <button type="button" class="button button-small button-secondary" onClick={() => {
                setRows(rows.filter((x) => x.key !== r.key))
                forget(r.key)
              }} aria-label={m.removeN(i + 1)}>
              {m.remove}
            </button>
          </fieldset>
        ))}
        <Alert error={error} />
        <p class="actions">
          {rows.length < QUESTION_LIMITS.questions && (
            <button type="button" class="button button-secondary" onClick={() => setRows([...rows, { key: nextKey++, label: '', kind: 'text', options: '', required: false, perTicket: false, showIfId: '', showIfValues: [] }])}>
              {m.add}
            </button>
          )}
          <button type="submit" class="button" disabled={busy || !changed}>
            {busy ? m.saving : m.save}
          </button>
        </p>
      </form>
    </section>
  )
}

/**
 * "Ask only when": an earlier saved question with set answers (a choice, a yes or no), and which of its
 * answers ask this one. A question asked once per order depends only on one asked once per order.
 */
function Condition({ row, earlier, index, error, onChange }: { row: Row; earlier: Row[]; index: number; error?: string; onChange: (change: Partial<Row>) => void }) {
  const m = useT(adminQuestionsText)
  const q = useT(questionsText)
  const candidates = conditionsFor(row, earlier)
  const on = candidates.find((r) => r.id === row.showIfId)
  const values = on ? answersOfRow(on) : []
  if (!candidates.length && !row.showIfId) return null
  const id = `q${row.key}-showif`
  return (
    <div class="condition">
      <SelectField
        label={m.ask}
        name={`q${index}-showif`}
        id={id}
        value={row.showIfId}
        onValue={(showIfId) => onChange({ showIfId, showIfValues: [] })}
        error={!on ? error : undefined}
        options={[
          ['', m.always],
          ...candidates.map((r): [string, string] => [r.id!, m.onlyWhen(r.label.trim())]),
          ...(row.showIfId && !on ? [[row.showIfId, m.conditionAbove] as [string, string]] : []),
        ]}
      />
      {on && (
        <fieldset class="condition-values" aria-describedby={error ? `${id}-error` : undefined}>
          <legend>{m.answersThatAsk(on.label.trim())}</legend>
          {values.map((v) => (
            <label class="choice" key={v}>
              <input
                type="checkbox"
                checked={row.showIfValues.includes(v)}
                aria-invalid={error ? true : undefined}
                onChange={(ev) => onChange({ showIfValues: ev.currentTarget.checked ? [...row.showIfValues, v] : row.showIfValues.filter((x) => x !== v) })}
              />{' '}
              {on.kind === 'yes-no' ? (v === 'yes' ? q.yes : q.no) : v}
            </label>
          ))}
        </fieldset>
      )}
      {error && on && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  )
}
