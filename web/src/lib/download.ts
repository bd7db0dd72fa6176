import { useRef, useState } from 'preact/hooks'
import { apiFile } from './api'

/** Hands a file made here or by the API to the browser, which saves it as a download. */
export function saveFile(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob)
  const link = Object.assign(document.createElement('a'), { href: url, download: filename })
  document.body.append(link)
  link.click()
  link.remove()
  // After the browser took the file (revoking at once can cancel the download in some browsers).
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** A file the API makes (a PDF, a CSV), saved on a click: whether it is being made, and why it could not be. */
export function useDownload(path: string, fallbackName: string) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  // A second click while the first file is being made saves nothing more (the state is a render late).
  const running = useRef(false)
  const save = async () => {
    if (running.current) return
    running.current = true
    setError(undefined)
    setBusy(true)
    try {
      const { blob, filename } = await apiFile(path)
      saveFile(blob, filename ?? fallbackName)
    } catch (err) {
      setError(err)
    } finally {
      running.current = false
      setBusy(false)
    }
  }
  return { save, busy, error }
}
