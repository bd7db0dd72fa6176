import type { EmailPlaceholder } from '@easypass/contracts/event-emails'
import { LANGUAGE_NAMES, type Language } from '@easypass/contracts/languages'
import { defineMessages } from '../lib/i18n'

/** A problem as the contracts word it ("text only, without control characters") as a sentence, as the English page shows it. */
const sentence = (problem: string) => `${problem[0]!.toUpperCase()}${problem.slice(1)}.`

/** The contracts' words on a text the server would refuse (`emailTextProblem`), in the language; one not known here stays as it is. */
function problemIn(problem: string, controls: Record<'line' | 'text', string>, notPlaceholder: (name: string, names: string) => string) {
  if (problem === 'one line of text, without control characters') return controls.line
  if (problem === 'text only, without control characters') return controls.text
  const unknown = /^(\{[A-Za-z]+\}) is not a placeholder \(there are (.+)\)$/.exec(problem)
  return unknown ? notPlaceholder(unknown[1]!, unknown[2]!) : sentence(problem)
}

const LANGUAGES_DE: Record<Language, string> = { en: 'Englisch', de: 'Deutsch', fr: 'Französisch' }
const LANGUAGES_FR: Record<Language, string> = { en: 'anglais', de: 'allemand', fr: 'français' }

/** What each placeholder becomes (the English is the contracts' own, `EMAIL_PLACEHOLDERS`). */
const PLACEHOLDERS_DE: Record<EmailPlaceholder, string> = {
  event: 'der Titel der Veranstaltung',
  date: 'ihr Beginn, in der Sprache des Lesers',
  venue: 'der Veranstaltungsort mit seiner Stadt',
  organizer: 'der Name des Veranstalters',
  order: 'die Bestellnummer',
  tickets: 'die Anzahl der Tickets in der Bestellung',
  total: 'der bezahlte Betrag, mit seiner Währung',
}
const PLACEHOLDERS_FR: Record<EmailPlaceholder, string> = {
  event: 'le titre de l’événement',
  date: 'sa date de début, dans la langue du lecteur',
  venue: 'le lieu et sa ville',
  organizer: 'le nom de l’organisateur',
  order: 'le numéro de la commande',
  tickets: 'le nombre de billets de la commande',
  total: 'le montant payé, avec sa devise',
}

/** The event's confirmation email in its editor (admin): the organiser's own words, checked and previewed. */
export const adminEmailsText = defineMessages({
  en: {
    /** A language the words are in, in the page's language. */
    language: (lang: Language) => LANGUAGE_NAMES[lang],
    option: (lang: Language, own: boolean) => `${LANGUAGE_NAMES[lang]}${own ? ' · own words' : ''}`,
    tooLong: (max: number, length: number) => `At most ${max} characters (this is ${length}).`,
    problem: (problem: string) => sentence(problem),
    /** What a placeholder becomes (`what`: the contracts' English). */
    placeholder: (_name: string, what: string) => what,
    replyToInvalid: 'Enter an email address like box-office@example.com, or leave it empty.',
    saved: 'Confirmation email saved: buyers get these words from now on.',
    title: 'Confirmation email',
    intro:
      'Your own subject and opening words for the email buyers get once they have paid, per language: each buyer gets the words of the language they bought in. A language left blank keeps EasyPass’s words. The order, its tickets and their QR codes always follow.',
    loading: 'Loading…',
    wordsIn: 'Words in',
    subjectIn: (lang: string) => `Subject in ${lang} (optional)`,
    bodyIn: (lang: string) => `Opening words in ${lang} (optional)`,
    bodyHint: 'In place of “Thank you, your order is confirmed”. Plain text; line breaks are kept.',
    replyTo: 'Replies go to (optional)',
    replyToHint: 'Your address, for buyers who answer any email about this event (confirmations, refunds, your messages). Empty: replies go to EasyPass’s sending address.',
    placeholders: 'Placeholders',
    notSaved: 'Not saved yet.',
    saving: 'Saving…',
    save: 'Save email words',
    preparing: 'Preparing…',
    preview: (lang: string) => `Preview in ${lang}`,
    previewLabel: 'Preview of the confirmation email',
    subject: 'Subject:',
    sample: (lang: string) => `A sample order of two tickets, in ${lang}; the QR codes are not shown here. Nothing was sent.`,
    frameTitle: 'The confirmation email as buyers see it',
  },
  de: {
    language: (lang: Language) => LANGUAGES_DE[lang],
    option: (lang: Language, own: boolean) => `${LANGUAGES_DE[lang]}${own ? ' · eigene Texte' : ''}`,
    tooLong: (max: number, length: number) => `Höchstens ${max} Zeichen (derzeit ${length}).`,
    problem: (problem: string) =>
      problemIn(
        problem,
        { line: 'Nur eine Zeile Text, ohne Steuerzeichen.', text: 'Nur Text, ohne Steuerzeichen.' },
        (name, names) => `${name} ist kein Platzhalter (verfügbar sind ${names}).`,
      ),
    placeholder: (name: string, what: string) => PLACEHOLDERS_DE[name as EmailPlaceholder] ?? what,
    replyToInvalid: 'Geben Sie eine E-Mail-Adresse wie kasse@example.com ein oder lassen Sie das Feld leer.',
    saved: 'Bestätigungs-E-Mail gespeichert: Käufer erhalten ab jetzt diese Texte.',
    title: 'Bestätigungs-E-Mail',
    intro:
      'Ihr eigener Betreff und Einleitungstext für die E-Mail, die Käufer nach der Bezahlung erhalten, je Sprache: Jeder Käufer erhält die Texte der Sprache, in der er gekauft hat. Für eine leer gelassene Sprache bleiben die Texte von EasyPass. Die Bestellung, ihre Tickets und deren QR-Codes folgen immer.',
    loading: 'Wird geladen…',
    wordsIn: 'Sprache der Texte',
    subjectIn: (lang: string) => `Betreff auf ${lang} (optional)`,
    bodyIn: (lang: string) => `Einleitungstext auf ${lang} (optional)`,
    bodyHint: 'Anstelle von „Vielen Dank! Ihre Bestellung ist bestätigt“. Reiner Text; Zeilenumbrüche bleiben erhalten.',
    replyTo: 'Antworten gehen an (optional)',
    replyToHint:
      'Ihre Adresse, für Käufer, die auf eine E-Mail zu dieser Veranstaltung antworten (Bestätigungen, Erstattungen, Ihre Nachrichten). Leer: Antworten gehen an die Absenderadresse von EasyPass.',
    placeholders: 'Platzhalter',
    notSaved: 'Noch nicht gespeichert.',
    saving: 'Wird gespeichert…',
    save: 'E-Mail-Texte speichern',
    preparing: 'Wird vorbereitet…',
    preview: (lang: string) => `Vorschau auf ${lang}`,
    previewLabel: 'Vorschau der Bestätigungs-E-Mail',
    subject: 'Betreff:',
    sample: (lang: string) => `Eine Beispielbestellung über zwei Tickets, auf ${lang}; die QR-Codes werden hier nicht angezeigt. Es wurde nichts gesendet.`,
    frameTitle: 'Die Bestätigungs-E-Mail, wie Käufer sie sehen',
  },
  fr: {
    language: (lang: Language) => LANGUAGES_FR[lang],
    option: (lang: Language, own: boolean) => {
      const name = LANGUAGES_FR[lang]
      return `${name[0]!.toUpperCase()}${name.slice(1)}${own ? ' · textes personnalisés' : ''}`
    },
    tooLong: (max: number, length: number) => `Au plus ${max} caractères (actuellement ${length}).`,
    problem: (problem: string) =>
      problemIn(
        problem,
        { line: 'Une seule ligne de texte, sans caractères de contrôle.', text: 'Du texte uniquement, sans caractères de contrôle.' },
        (name, names) => `${name} n’est pas une variable (les variables disponibles sont ${names}).`,
      ),
    placeholder: (name: string, what: string) => PLACEHOLDERS_FR[name as EmailPlaceholder] ?? what,
    replyToInvalid: 'Saisissez une adresse e-mail comme billetterie@example.com, ou laissez vide.',
    saved: 'E-mail de confirmation enregistré\u00a0: les acheteurs reçoivent désormais ces textes.',
    title: 'E-mail de confirmation',
    intro:
      'Votre propre objet et votre propre texte d’introduction pour l’e-mail que les acheteurs reçoivent après avoir payé, pour chaque langue\u00a0: chaque acheteur reçoit les textes de la langue dans laquelle il a acheté. Une langue laissée vide garde les textes d’EasyPass. La commande, ses billets et leurs codes QR suivent toujours.',
    loading: 'Chargement…',
    wordsIn: 'Langue des textes',
    subjectIn: (lang: string) => `Objet en ${lang} (facultatif)`,
    bodyIn: (lang: string) => `Texte d’introduction en ${lang} (facultatif)`,
    bodyHint: 'À la place de «\u00a0Merci\u00a0! Votre commande est confirmée\u00a0». Texte brut\u00a0; les retours à la ligne sont conservés.',
    replyTo: 'Adresse de réponse (facultatif)',
    replyToHint:
      'Votre adresse, pour les acheteurs qui répondent à un e-mail concernant cet événement (confirmations, remboursements, vos messages). Vide\u00a0: les réponses vont à l’adresse d’envoi d’EasyPass.',
    placeholders: 'Variables',
    notSaved: 'Pas encore enregistré.',
    saving: 'Enregistrement…',
    save: 'Enregistrer les textes',
    preparing: 'Préparation…',
    preview: (lang: string) => `Aperçu en ${lang}`,
    previewLabel: 'Aperçu de l’e-mail de confirmation',
    subject: 'Objet\u00a0:',
    sample: (lang: string) => `Un exemple de commande de deux billets, en ${lang}\u00a0; les codes QR ne sont pas affichés ici. Rien n’a été envoyé.`,
    frameTitle: 'L’e-mail de confirmation tel que les acheteurs le voient',
  },
})
