// The renderer's own thread: a PDF of many pages is tens of milliseconds of synchronous work, which
// must not stop the event loop of the service that asked (purchases, streams). Fonts load once here.
import { loadTicketFonts, renderTicketsPdf, type TicketFonts } from './render'
import { renderReceiptPdf } from './receipt'
import { renderCreditNotePdf } from './credit-note'
import type { RenderRequest, RenderAnswer } from './index'

declare const self: Worker
let fonts: TicketFonts | undefined

self.onmessage = async (event: MessageEvent<RenderRequest>) => {
  const { id, fontDir } = event.data
  try {
    fonts ??= loadTicketFonts(fontDir)
    const { data } = event
    const pdf = 'receipt' in data ? await renderReceiptPdf(fonts, data.receipt) : 'creditNote' in data ? await renderCreditNotePdf(fonts, data.creditNote) : await renderTicketsPdf(fonts, data.input)
    const bytes = pdf.buffer.slice(pdf.byteOffset, pdf.byteOffset + pdf.byteLength) as ArrayBuffer
    self.postMessage({ id, pdf: bytes } satisfies RenderAnswer, [bytes])
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies RenderAnswer)
  }
}
