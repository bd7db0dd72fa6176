import { render } from 'preact'
import './styles.css'
import { App } from './app'
import { describe } from './lib/api'
import { toast } from './components/overlay'

// A failure nobody caught (an event handler's promise) is still said in words, never silent.
window.addEventListener('unhandledrejection', (e) => {
  if ((e.reason as Error)?.name === 'AbortError') return
  toast(describe(e.reason), 'error')
})

render(<App />, document.getElementById('app')!)
