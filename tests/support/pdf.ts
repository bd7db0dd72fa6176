// A PDF read back as a viewer reads it (Mozilla's PDF.js): the text of each page, in order.
import { dirname, join } from 'node:path'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

// PDF.js reads the built-in fonts' metrics from its own folder.
const standardFontDataUrl = join(dirname(Bun.fileURLToPath(import.meta.resolve('pdfjs-dist/package.json'))), 'standard_fonts/')

export async function pdfPages(pdf: Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: pdf.slice(), useSystemFonts: false, standardFontDataUrl }).promise
  const pages: string[] = []
  for (let n = 1; n <= doc.numPages; n++) pages.push((await (await doc.getPage(n)).getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(' '))
  await doc.cleanup()
  return pages
}
