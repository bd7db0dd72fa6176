// Small building blocks shared by every page.
import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import { ApiError, describe } from '../lib/api'
import { hasNavigated, Link } from '../lib/router'
import { orderStatusLabel } from '../lib/format'
import { useT } from '../lib/i18n'
import { shellText } from '../i18n/shell'

/** An error in words, announced to screen readers; with a retry button when given one. */
export function Alert({ error, onRetry, tone = 'error' }: { error: unknown; onRetry?: () => void; tone?: 'error' | 'warning' }) {
  const m = useT(shellText)
  if (!error) return null
  const signIn = error instanceof ApiError && error.status === 401
  return (
    <div class={`alert alert-${tone}`} role="alert">
      <p>{typeof error === 'string' ? error : describe(error)}</p>
      {(onRetry || signIn) && (
        <p class="alert-actions">
          {onRetry && (
            <button type="button" class="button button-small" onClick={onRetry}>
              {m.tryAgain}
            </button>
          )}
          {signIn && (
            <Link class="button button-small" href={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`}>
              {m.signIn}
            </Link>
          )}
        </p>
      )}
    </div>
  )
}

export function Notice({ children, tone = 'info' }: { children: ComponentChildren; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div class={`alert alert-${tone}`} role="status">
      {children}
    </div>
  )
}

export function Loading({ label }: { label?: string }) {
  const m = useT(shellText)
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label ?? m.loading}
    </p>
  )
}

/** The page's h1; takes focus after navigation so screen readers announce the new page. */
export function PageTitle({ children, sub }: { children: ComponentChildren; sub?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    // A fresh page load starts at the top (skip link first); after a move within the app the new page's
    // title gets focus, unless the user is typing somewhere (e.g. a search box that updates the URL).
    if (!hasNavigated()) return
    const active = document.activeElement
    if (!active || active === document.body || active.tagName === 'A' || active.tagName === 'BUTTON') ref.current?.focus({ preventScroll: true })
  }, [])
  return (
    <div class="page-title">
      <h1 tabIndex={-1} ref={ref}>
        {children}
      </h1>
      {sub && <p class="page-sub">{sub}</p>}
    </div>
  )
}

/**
 * After a submit that set field errors, moves focus to the first invalid field of `form`, so that a
 * screen reader announces it (with its error, wired by aria-describedby). Runs again for each new
 * errors object, so a second failed submit announces it again.
 */
export function useFocusFirstInvalid(form: { readonly current: HTMLElement | null }, errors: Record<string, string | undefined>) {
  useEffect(() => {
    if (!Object.values(errors).some(Boolean)) return
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [errors])
}

/** Any other attribute is passed to the control as it is (preact's per-type input typings are too narrow for a shared field). */
interface PassThrough {
  id?: string
  class?: string
  [attribute: string]: unknown
}

type InputProps = PassThrough & {
  label: string
  name: string
  value: string
  onValue: (value: string) => void
  error?: string
  hint?: ComponentChildren
}

/** A labelled input with its hint and error wired up for assistive technology. */
/** A field's hint and error, with the ids and attributes that tie them to its control. */
function notesOf(fieldId: string, hint: ComponentChildren | undefined, error: string | undefined) {
  const hintId = hint ? `${fieldId}-hint` : undefined
  const errorId = error ? `${fieldId}-error` : undefined
  return {
    control: { 'aria-invalid': error ? true : undefined, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined },
    notes: (
      <>
        {hint && (
          <p class="field-hint" id={hintId}>
            {hint}
          </p>
        )}
        {error && (
          <p class="field-error" id={errorId}>
            {error}
          </p>
        )}
      </>
    ),
  }
}

export function Field({ label, name, value, onValue, error, hint, id, class: cls, ...rest }: InputProps) {
  const fieldId = id ?? `f-${name}`
  const { control, notes } = notesOf(fieldId, hint, error)
  return (
    <div class={`field${error ? ' field-invalid' : ''}${cls ? ` ${cls}` : ''}`}>
      <label for={fieldId}>{label}</label>
      <input id={fieldId} name={name} value={value} onInput={(e) => onValue(e.currentTarget.value)} {...control} {...(rest as object)} />
      {notes}
    </div>
  )
}

type SelectProps = PassThrough & {
  label: string
  name: string
  value: string
  onValue: (value: string) => void
  options: Array<[value: string, label: string]>
  error?: string
}

export function SelectField({ label, name, value, onValue, options, error, id, ...rest }: SelectProps) {
  const fieldId = id ?? `f-${name}`
  const errorId = error ? `${fieldId}-error` : undefined
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={fieldId}>{label}</label>
      <select id={fieldId} name={name} value={value} onChange={(e) => onValue(e.currentTarget.value)} aria-invalid={error ? true : undefined} aria-describedby={errorId} {...(rest as object)}>
        {options.map(([v, l]) => (
          <option value={v} key={v}>
            {l}
          </option>
        ))}
      </select>
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  )
}

/** An order's status, or an event's (`of="event"`: "cancelled" is said of an event, not of an order). */
export function StatusBadge({ status, of = 'order' }: { status: string; of?: 'order' | 'event' }) {
  const m = useT(shellText)
  return <span class={`badge badge-${status}`}>{(of === 'event' ? m.eventStatus[status] : orderStatusLabel(status)) ?? status}</span>
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>
}

type TextAreaProps = PassThrough & {
  label: string
  name: string
  value: string
  onValue: (value: string) => void
  error?: string
  hint?: ComponentChildren
}

export function TextAreaField({ label, name, value, onValue, error, hint, id, ...rest }: TextAreaProps) {
  const fieldId = id ?? `f-${name}`
  const { control, notes } = notesOf(fieldId, hint, error)
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={fieldId}>{label}</label>
      <textarea id={fieldId} name={name} value={value} onInput={(e) => onValue(e.currentTarget.value)} {...control} {...(rest as object)} />
      {notes}
    </div>
  )
}

/** Previous / next links between pages of a list (links, so a page of results has its own URL). */
export function Pager({ page, pages, href }: { page: number; pages: number; href: (page: number) => string }) {
  const m = useT(shellText)
  if (pages <= 1) return null
  return (
    <nav class="pager" aria-label={m.pages}>
      {page > 1 ? (
        <Link class="button button-secondary" href={href(page - 1)} rel="prev">
          {m.previous}
        </Link>
      ) : (
        <span />
      )}
      <span>{m.pageOf(page, pages)}</span>
      {page < pages ? (
        <Link class="button button-secondary" href={href(page + 1)} rel="next">
          {m.next}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  )
}

/** A search form's submit button, with whatever goes beside it (a "Clear" link). */
export function SearchActions({ children }: { children?: ComponentChildren }) {
  const m = useT(shellText)
  return (
    <div class="search-actions">
      <button type="submit" class="button">
        {m.search}
      </button>
      {children}
    </div>
  )
}
