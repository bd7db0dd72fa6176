// The organiser's questions at checkout (`components/questions.tsx`).
import { defineMessages } from '../lib/i18n'

export const questionsText = defineMessages({
  en: {
    title: 'Questions from the organiser',
    requiredMark: '(required)',
    choose: 'Choose…',
    yes: 'Yes',
    no: 'No',
    answerThis: 'Answer this question.',
  },
  de: {
    title: 'Fragen des Veranstalters',
    requiredMark: '(Pflichtangabe)',
    choose: 'Bitte wählen…',
    yes: 'Ja',
    no: 'Nein',
    answerThis: 'Beantworten Sie diese Frage.',
  },
  fr: {
    title: 'Questions de l’organisateur',
    requiredMark: '(obligatoire)',
    choose: 'Choisir…',
    yes: 'Oui',
    no: 'Non',
    answerThis: 'Répondez à cette question.',
  },
})
