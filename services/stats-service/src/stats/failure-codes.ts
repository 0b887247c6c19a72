import { DELIVERY_ERROR_CODES, type Language } from '@rappel/contracts';

/** What a provider's error code means, for the people reading the dashboard. */
const MEANINGS: Record<string, Record<Language, string>> = {
  '21211': { fr: 'Numéro de téléphone invalide', en: 'Invalid phone number' },
  '21408': {
    fr: 'Envoi non autorisé vers ce pays (permissions Twilio)',
    en: 'Sending to this region is not enabled (Twilio permissions)',
  },
  '21610': {
    fr: 'Le destinataire s’est désabonné (STOP)',
    en: 'The recipient has unsubscribed (STOP)',
  },
  '21614': { fr: 'Ce numéro ne peut pas recevoir ce message', en: 'This number cannot receive this message' },
  '63016': {
    fr: 'Hors de la fenêtre de 24 h WhatsApp : un modèle approuvé est requis',
    en: 'Outside the WhatsApp 24-hour window: an approved template is required',
  },
  '63003': { fr: 'Numéro WhatsApp introuvable', en: 'WhatsApp number not found' },
  '30003': { fr: 'Téléphone injoignable ou éteint', en: 'Unreachable handset (off or out of coverage)' },
  '30004': { fr: 'Message bloqué par le destinataire', en: 'Message blocked by the recipient' },
  '30005': { fr: 'Numéro inconnu ou inexistant', en: 'Unknown or non-existent number' },
  '30006': {
    fr: 'Ligne fixe ou opérateur injoignable',
    en: 'Landline or unreachable carrier',
  },
  '30007': { fr: 'Message filtré par l’opérateur (spam)', en: 'Filtered by the carrier (spam)' },
  '30008': { fr: 'Erreur inconnue de l’opérateur', en: 'Unknown carrier error' },
  '20429': { fr: 'Trop de requêtes vers Twilio', en: 'Too many requests to Twilio' },
  '421': { fr: 'Serveur de messagerie indisponible (temporaire)', en: 'Mail server unavailable (temporary)' },
  '450': { fr: 'Boîte aux lettres indisponible (temporaire)', en: 'Mailbox unavailable (temporary)' },
  '451': {
    fr: 'Erreur locale du serveur de messagerie (temporaire)',
    en: 'Local error at the mail server (temporary)',
  },
  '452': { fr: 'Espace insuffisant sur le serveur (temporaire)', en: 'Insufficient storage (temporary)' },
  '550': {
    fr: 'Adresse e-mail inexistante ou refusée',
    en: 'Mailbox does not exist or refused the message',
  },
  '551': { fr: 'Destinataire non local', en: 'User not local' },
  '552': { fr: 'Boîte aux lettres pleine ou message trop gros', en: 'Mailbox full or message too large' },
  '553': { fr: 'Adresse e-mail mal formée', en: 'Mailbox name not allowed (malformed address)' },
  '554': { fr: 'Message refusé (transaction échouée)', en: 'Message rejected (transaction failed)' },
  ECONNREFUSED: {
    fr: 'Serveur injoignable (connexion refusée)',
    en: 'Server unreachable (connection refused)',
  },
  ETIMEDOUT: { fr: 'Délai dépassé en contactant le serveur', en: 'Timed out contacting the server' },
  ECONNRESET: { fr: 'Connexion interrompue par le serveur', en: 'Connection reset by the server' },
  ENOTFOUND: { fr: 'Nom de serveur introuvable (DNS)', en: 'Server name not found (DNS)' },
  EAUTH: { fr: 'Authentification SMTP refusée', en: 'SMTP authentication refused' },
  EENVELOPE: { fr: 'Adresse de destination refusée', en: 'Recipient address refused' },
  EHOSTUNREACH: { fr: 'Serveur injoignable (réseau)', en: 'Server unreachable (network)' },
  ENETUNREACH: { fr: 'Réseau injoignable', en: 'Network unreachable' },
  EAI_AGAIN: {
    fr: 'Nom de serveur momentanément introuvable (DNS)',
    en: 'Server name lookup failed (DNS, temporary)',
  },
  EPIPE: { fr: 'Connexion coupée pendant l’envoi', en: 'Connection broken while sending' },
  // Our own codes (DELIVERY_ERROR_CODES).
  [DELIVERY_ERROR_CODES.invalidNumber]: {
    fr: 'Numéro inutilisable pour WhatsApp (format invalide)',
    en: 'Number cannot be used for WhatsApp (invalid format)',
  },
  [DELIVERY_ERROR_CODES.missingData]: {
    fr: 'Il manque une donnée pour composer le message',
    en: 'A value the message needs is missing',
  },
  [DELIVERY_ERROR_CODES.renderFailed]: {
    fr: 'L’e-mail n’a pas pu être composé',
    en: 'The e-mail could not be rendered',
  },
  [DELIVERY_ERROR_CODES.badPayload]: { fr: 'Tâche de file invalide', en: 'Invalid queue job' },
  [DELIVERY_ERROR_CODES.unknown]: {
    fr: 'Erreur inattendue (voir les journaux du service)',
    en: 'Unexpected error (see the service logs)',
  },
};

export function failureMeaning(code: string, lang: Language): string {
  const exact = MEANINGS[code];
  if (exact) return exact[lang];
  // Enhanced SMTP codes ("5.1.1") and unknown 4xx/5xx replies: say at least which kind.
  if (/^4\d\d$|^4\.\d+\.\d+$/.test(code))
    return lang === 'fr' ? 'Erreur temporaire du serveur de messagerie' : 'Temporary mail server error';
  if (/^5\d\d$|^5\.\d+\.\d+$/.test(code))
    return lang === 'fr' ? 'Refus définitif du serveur de messagerie' : 'Permanent mail server refusal';
  return lang === 'fr' ? 'Code inconnu' : 'Unknown code';
}
