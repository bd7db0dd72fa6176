// Ticket PDFs for the services that hand them out: orders (the buyer's download) and notifications
// (the confirmation email's attachment). Rendering runs in a thread of its own, a few at a time.
import { loadTicketFonts, type TicketsPdfInput } from './render'
import type { ReceiptInput } from './receipt'
import type { CreditNoteInput } from './credit-note'

export { latin1Only, loadTicketFonts, qrRuns, renderTicketsPdf, type PrintedTicket, type TicketFonts, type TicketsPdfInput } from './render'
export { renderReceiptPdf, type ReceiptInput } from './receipt'
export { renderCreditNotePdf, type CreditNoteInput } from './credit-note'

/** What the thread makes: tickets (`input`), a receipt or invoice (`receipt`), or a credit note. */
export type RenderWhat = { input: TicketsPdfInput } | { receipt: ReceiptInput } | { creditNote: CreditNoteInput }
export type RenderRequest = { id: number; fontDir?: string } & RenderWhat
export type RenderAnswer = { id: number; pdf: ArrayBuffer; error?: undefined } | { id: number; error: string; pdf?: undefined }

/** More PDFs are waiting than the renderer takes: the caller answers "try again shortly". */
export class RendererBusy extends Error {
  constructor() {
    super('ticket PDFs are being made for others; try again in a moment')
  }
}

export interface RendererOptions {
  /** Where DejaVu is; unset or unusable: the built-in Latin-1 fonts. */
  fontDir?: string
  /** PDFs queued or being made at once; one more is refused with RendererBusy. */
  maxWaiting?: number
  /** A PDF not made by then fails, and the thread is started again. */
  timeoutMs?: number
}

export function ticketsPdfRenderer({ fontDir, maxWaiting = 8, timeoutMs = 20_000 }: RendererOptions = {}) {
  const pending = new Map<number, { resolve: (pdf: Buffer) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }>()
  let thread: Worker | undefined
  let nextId = 0

  /** Ends the thread and fails what it still had: a broken or stuck thread is replaced on the next PDF. */
  function reset(reason: string) {
    thread?.terminate()
    thread = undefined
    for (const [id, waiting] of pending) {
      clearTimeout(waiting.timer)
      waiting.reject(new Error(reason))
      pending.delete(id)
    }
  }

  function start(): Worker {
    const worker = new Worker(new URL('./thread.ts', import.meta.url).href)
    worker.onmessage = (event: MessageEvent<RenderAnswer>) => {
      const waiting = pending.get(event.data.id)
      if (!waiting) return
      pending.delete(event.data.id)
      clearTimeout(waiting.timer)
      if (event.data.error !== undefined) waiting.reject(new Error(event.data.error))
      else waiting.resolve(Buffer.from(event.data.pdf))
    }
    worker.onerror = (event) => reset(`the PDF thread failed: ${event.message}`)
    // An idle renderer never keeps its process alive.
    ;(worker as unknown as { unref(): void }).unref()
    return worker
  }

  function send(what: RenderWhat): Promise<Buffer> {
    if (pending.size >= maxWaiting) return Promise.reject(new RendererBusy())
    thread ??= start()
    const id = ++nextId
    return new Promise<Buffer>((resolve, reject) => {
      // The thread renders one at a time: a job queued behind others gets their time too (a busy
      // queue, each job within its time, is not taken for a stuck thread).
      const waitMs = timeoutMs * (pending.size + 1)
      const timer = setTimeout(() => reset(`no PDF within ${waitMs} ms`), waitMs)
      pending.set(id, { resolve, reject, timer })
      thread!.postMessage({ id, fontDir, ...what } satisfies RenderRequest)
    })
  }

  return {
    /** Whether the PDFs can show more than Latin-1 (DejaVu found and usable). */
    unicode: loadTicketFonts(fontDir).unicode,

    render(input: TicketsPdfInput): Promise<Buffer> {
      return send({ input })
    },

    /** An order's receipt, one page, through the same thread and bound. */
    receipt(receipt: ReceiptInput): Promise<Buffer> {
      return send({ receipt })
    },

    /** A credit note, one page, through the same thread and bound. */
    creditNote(creditNote: CreditNoteInput): Promise<Buffer> {
      return send({ creditNote })
    },

    close() {
      reset('the renderer was closed')
    },
  }
}
export type TicketsPdfRenderer = ReturnType<typeof ticketsPdfRenderer>
