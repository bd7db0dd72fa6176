// The password pages and the account page (`pages/account.tsx`).
import type { ComponentChildren } from 'preact'
import { count, defineMessages } from '../lib/i18n'

export const accountText = defineMessages({
  en: {
    // New password
    useAtLeast: (n: number) => `Use at least ${count(n, { one: 'character', other: 'characters' }, 'en')}.`,
    notSame: 'The two passwords are not the same.',
    newPassword: 'New password',
    atLeast: (n: number) => `At least ${count(n, { one: 'character', other: 'characters' }, 'en')}.`,
    newPasswordAgain: 'New password, again',
    // Forgot password
    resetTitle: 'Reset your password',
    enterAccountEmail: 'Enter the email address of your account.',
    sentTo: (address: ComponentChildren) => (
      <>
        If an account has the address <strong>{address}</strong>, an email with a link to choose a new password is on its way. The link works once, for a limited time.
      </>
    ),
    noEmail: 'No email after a few minutes? Check the spam folder, or make sure the address is the one you signed up with.',
    useAnother: 'Use another address',
    backToSignIn: 'Back to sign in',
    forgotIntro: 'Enter the email address of your account and we will send you a link to choose a new password.',
    email: 'Email',
    sending: 'Sending…',
    sendLink: 'Send the link',
    remembered: 'Remembered it?',
    signIn: 'Sign in',
    // Reset password
    chooseTitle: 'Choose a new password',
    linkRefused: 'This link is not valid any more: it was used already, it has expired, or the password was changed since it was sent.',
    linkMissing: 'This page needs the link from the password reset email. Open the link from the email, or ask for a new one.',
    askNewLink: 'Ask for a new link',
    resetDone: 'Your new password is set. You are signed in, and signed out on every other device.',
    saving: 'Saving…',
    setNew: 'Set the new password',
    // Name
    enterName: 'Enter your name.',
    nameSaved: 'Your name is saved.',
    name: 'Name',
    emailAndSince: (email: ComponentChildren, since: string) => (
      <>
        Email: <strong>{email}</strong> · member since {since}
      </>
    ),
    saveName: 'Save name',
    // Saved invoice details
    billingForgotten: 'Your invoice details are forgotten.',
    invoiceDetails: 'Invoice details',
    fromLastOrder: (who: string, address: string, taxId?: string) => `From your last order, to fill in the next: ${who}, ${address}${taxId ? ` (tax number ${taxId})` : ''}.`,
    forgetThem: 'Forget them',
    // Account
    accountTitle: 'Your account',
    enterCurrent: 'Enter your current password.',
    passwordChanged: 'Your password is changed. Every other device is signed out.',
    changeHeading: 'Change your password',
    currentPassword: 'Current password',
    otherDevices: 'Every other device you are signed in on will be signed out.',
    changing: 'Changing…',
    changePassword: 'Change password',
    forgotCurrent: 'Forgot your current password?',
    resetByEmail: 'Reset it by email',
    // Closing the account
    closeHeading: 'Close your account',
    closeOpen: 'Close it for good…',
    closeWhat: 'Your account is deleted and every device is signed out. Your saved invoice details, your notifications and your places on waiting lists are deleted too, and your address is taken off your orders. You can sign up with the same address again later, as a new account.',
    closeKept: 'Tickets you bought stay valid: keep the emails or PDFs you received, as they will be in no account any more. Orders and invoices are kept, without your address, for as long as accounting law requires.',
    yourPassword: 'Your password',
    enterYourPassword: 'Enter your password.',
    closeSure: 'I understand that this cannot be undone.',
    closeTick: 'Tick this to confirm.',
    notCurrent: 'This is not your current password.',
    closing: 'Closing…',
    closeButton: 'Close my account',
    closed: 'Your account is closed. Goodbye!',
    closeWithRole: 'An account with a role (admin or door staff) cannot be closed here: another admin first makes it a customer account.',
  },
  de: {
    useAtLeast: (n: number) => `Verwenden Sie mindestens ${count(n, { one: 'Zeichen', other: 'Zeichen' }, 'de')}.`,
    notSame: 'Die beiden Passwörter stimmen nicht überein.',
    newPassword: 'Neues Passwort',
    atLeast: (n: number) => `Mindestens ${count(n, { one: 'Zeichen', other: 'Zeichen' }, 'de')}.`,
    newPasswordAgain: 'Neues Passwort wiederholen',
    resetTitle: 'Passwort zurücksetzen',
    enterAccountEmail: 'Geben Sie die E-Mail-Adresse Ihres Kontos ein.',
    sentTo: (address: ComponentChildren) => (
      <>
        Falls ein Konto mit der Adresse <strong>{address}</strong> besteht, ist eine E-Mail mit einem Link zum Festlegen eines neuen Passworts unterwegs. Der Link funktioniert nur einmal und für begrenzte Zeit.
      </>
    ),
    noEmail: 'Nach ein paar Minuten noch keine E-Mail? Sehen Sie im Spam-Ordner nach, oder prüfen Sie, ob es die Adresse ist, mit der Sie sich registriert haben.',
    useAnother: 'Andere Adresse verwenden',
    backToSignIn: 'Zurück zur Anmeldung',
    forgotIntro: 'Geben Sie die E-Mail-Adresse Ihres Kontos ein, und wir senden Ihnen einen Link, mit dem Sie ein neues Passwort festlegen können.',
    email: 'E-Mail',
    sending: 'Wird gesendet…',
    sendLink: 'Link senden',
    remembered: 'Doch wieder eingefallen?',
    signIn: 'Anmelden',
    chooseTitle: 'Neues Passwort festlegen',
    linkRefused: 'Dieser Link ist nicht mehr gültig: Er wurde bereits verwendet, ist abgelaufen, oder das Passwort wurde seit dem Versand geändert.',
    linkMissing: 'Diese Seite benötigt den Link aus der E-Mail zum Zurücksetzen des Passworts. Öffnen Sie den Link aus der E-Mail, oder fordern Sie einen neuen an.',
    askNewLink: 'Neuen Link anfordern',
    resetDone: 'Ihr neues Passwort ist gespeichert. Sie sind angemeldet und auf allen anderen Geräten abgemeldet.',
    saving: 'Wird gespeichert…',
    setNew: 'Neues Passwort speichern',
    enterName: 'Geben Sie Ihren Namen ein.',
    nameSaved: 'Ihr Name ist gespeichert.',
    name: 'Name',
    emailAndSince: (email: ComponentChildren, since: string) => (
      <>
        E-Mail: <strong>{email}</strong> · Mitglied seit {since}
      </>
    ),
    saveName: 'Name speichern',
    billingForgotten: 'Ihre Rechnungsdaten wurden entfernt.',
    invoiceDetails: 'Rechnungsdaten',
    fromLastOrder: (who: string, address: string, taxId?: string) =>
      `Aus Ihrer letzten Bestellung, zum Ausfüllen der nächsten: ${who}, ${address}${taxId ? ` (Steuernummer ${taxId})` : ''}.`,
    forgetThem: 'Entfernen',
    accountTitle: 'Ihr Konto',
    enterCurrent: 'Geben Sie Ihr aktuelles Passwort ein.',
    passwordChanged: 'Ihr Passwort wurde geändert. Alle anderen Geräte sind abgemeldet.',
    changeHeading: 'Passwort ändern',
    currentPassword: 'Aktuelles Passwort',
    otherDevices: 'Alle anderen Geräte, auf denen Sie angemeldet sind, werden abgemeldet.',
    changing: 'Wird geändert…',
    changePassword: 'Passwort ändern',
    forgotCurrent: 'Aktuelles Passwort vergessen?',
    resetByEmail: 'Per E-Mail zurücksetzen',
    closeHeading: 'Konto schließen',
    closeOpen: 'Endgültig schließen…',
    closeWhat: 'Ihr Konto wird gelöscht, und Sie werden auf allen Geräten abgemeldet. Ihre gespeicherten Rechnungsdaten, Ihre Benachrichtigungen und Ihre Plätze auf Wartelisten werden ebenfalls gelöscht, und Ihre Adresse wird aus Ihren Bestellungen entfernt. Sie können sich später mit derselben Adresse neu registrieren, als neues Konto.',
    closeKept: 'Gekaufte Tickets bleiben gültig: Bewahren Sie die erhaltenen E-Mails oder PDFs auf, denn sie sind danach in keinem Konto mehr. Bestellungen und Rechnungen werden ohne Ihre Adresse so lange aufbewahrt, wie es das Buchhaltungsrecht verlangt.',
    yourPassword: 'Ihr Passwort',
    enterYourPassword: 'Geben Sie Ihr Passwort ein.',
    closeSure: 'Mir ist klar, dass sich das nicht rückgängig machen lässt.',
    closeTick: 'Setzen Sie das Häkchen zur Bestätigung.',
    notCurrent: 'Das ist nicht Ihr aktuelles Passwort.',
    closing: 'Wird geschlossen…',
    closeButton: 'Mein Konto schließen',
    closed: 'Ihr Konto ist geschlossen. Auf Wiedersehen!',
    closeWithRole: 'Ein Konto mit einer Rolle (Admin oder Einlasspersonal) lässt sich hier nicht schließen: Ein anderer Admin macht es zuerst zu einem Kundenkonto.',
  },
  fr: {
    useAtLeast: (n: number) => `Utilisez au moins ${count(n, { one: 'caractère', other: 'caractères' }, 'fr')}.`,
    notSame: 'Les deux mots de passe ne sont pas identiques.',
    newPassword: 'Nouveau mot de passe',
    atLeast: (n: number) => `Au moins ${count(n, { one: 'caractère', other: 'caractères' }, 'fr')}.`,
    newPasswordAgain: 'Confirmez le nouveau mot de passe',
    resetTitle: 'Réinitialiser votre mot de passe',
    enterAccountEmail: 'Saisissez l’adresse e-mail de votre compte.',
    sentTo: (address: ComponentChildren) => (
      <>
        Si un compte existe avec l’adresse <strong>{address}</strong>, un e-mail contenant un lien pour choisir un nouveau mot de passe est en route. Le lien ne fonctionne qu’une seule fois, pendant une durée limitée.
      </>
    ),
    noEmail: 'Pas d’e-mail après quelques minutes\u00a0? Vérifiez le dossier des spams, ou assurez-vous que l’adresse est bien celle de votre inscription.',
    useAnother: 'Utiliser une autre adresse',
    backToSignIn: 'Retour à la connexion',
    forgotIntro: 'Saisissez l’adresse e-mail de votre compte et nous vous enverrons un lien pour choisir un nouveau mot de passe.',
    email: 'E-mail',
    sending: 'Envoi…',
    sendLink: 'Envoyer le lien',
    remembered: 'Vous vous en souvenez\u00a0?',
    signIn: 'Se connecter',
    chooseTitle: 'Choisir un nouveau mot de passe',
    linkRefused: 'Ce lien n’est plus valide\u00a0: il a déjà été utilisé, il a expiré, ou le mot de passe a été modifié depuis son envoi.',
    linkMissing: 'Cette page nécessite le lien de l’e-mail de réinitialisation du mot de passe. Ouvrez le lien depuis l’e-mail, ou demandez-en un nouveau.',
    askNewLink: 'Demander un nouveau lien',
    resetDone: 'Votre nouveau mot de passe est enregistré. Votre session est ouverte ici et fermée sur tous vos autres appareils.',
    saving: 'Enregistrement…',
    setNew: 'Enregistrer le nouveau mot de passe',
    enterName: 'Saisissez votre nom.',
    nameSaved: 'Votre nom est enregistré.',
    name: 'Nom',
    emailAndSince: (email: ComponentChildren, since: string) => (
      <>
        {'E-mail\u00a0: '}
        <strong>{email}</strong> · membre depuis le {since}
      </>
    ),
    saveName: 'Enregistrer le nom',
    billingForgotten: 'Vos coordonnées de facturation ont été effacées.',
    invoiceDetails: 'Coordonnées de facturation',
    fromLastOrder: (who: string, address: string, taxId?: string) =>
      `Reprises de votre dernière commande pour préremplir la suivante\u00a0: ${who}, ${address}${taxId ? ` (numéro fiscal ${taxId})` : ''}.`,
    forgetThem: 'Les effacer',
    accountTitle: 'Votre compte',
    enterCurrent: 'Saisissez votre mot de passe actuel.',
    passwordChanged: 'Votre mot de passe est modifié. Tous vos autres appareils sont déconnectés.',
    changeHeading: 'Modifier votre mot de passe',
    currentPassword: 'Mot de passe actuel',
    otherDevices: 'Vos sessions sur tous les autres appareils seront fermées.',
    changing: 'Modification…',
    changePassword: 'Modifier le mot de passe',
    forgotCurrent: 'Mot de passe actuel oublié\u00a0?',
    resetByEmail: 'Le réinitialiser par e-mail',
    closeHeading: 'Fermer votre compte',
    closeOpen: 'Le fermer définitivement…',
    closeWhat: 'Votre compte est supprimé et vous êtes déconnecté de tous vos appareils. Vos coordonnées de facturation enregistrées, vos notifications et vos places en liste d’attente sont supprimées aussi, et votre adresse est retirée de vos commandes. Vous pourrez plus tard créer un nouveau compte avec la même adresse.',
    closeKept: 'Les billets achetés restent valables\u00a0: gardez les e-mails ou les PDF reçus, car ils ne seront plus dans aucun compte. Les commandes et les factures sont conservées, sans votre adresse, aussi longtemps que le droit comptable l’exige.',
    yourPassword: 'Votre mot de passe',
    enterYourPassword: 'Saisissez votre mot de passe.',
    closeSure: 'Je comprends que cette action est irréversible.',
    closeTick: 'Cochez cette case pour confirmer.',
    notCurrent: 'Ce n’est pas votre mot de passe actuel.',
    closing: 'Fermeture…',
    closeButton: 'Fermer mon compte',
    closed: 'Votre compte est fermé. Au revoir\u00a0!',
    closeWithRole: 'Un compte avec un rôle (admin ou personnel d’accueil) ne peut pas être fermé ici\u00a0: un autre admin doit d’abord en faire un compte client.',
  },
})
