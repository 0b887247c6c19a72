import type { Language } from '@rappel/contracts';

/**
 * What a person reads for each error code and for our own validation messages.
 * Keys are stable error codes or message keys; French is the default language.
 */
export const MESSAGES = {
  VALIDATION_FAILED: { fr: 'La requête est invalide.', en: 'The request is invalid.' },
  UNAUTHORIZED: {
    fr: 'Clé d’API absente ou invalide (en-tête Authorization: Bearer rpl_…).',
    en: 'Missing or invalid API key (Authorization: Bearer rpl_… header).',
  },
  FORBIDDEN: {
    fr: 'Cette clé d’API ne permet pas cette opération.',
    en: 'This API key does not allow this operation.',
  },
  NOT_FOUND: { fr: 'Ressource introuvable.', en: 'Resource not found.' },
  ROUTE_NOT_FOUND: { fr: 'Cette adresse n’existe pas.', en: 'No such route.' },
  DEPARTMENT_NOT_FOUND: { fr: 'Département introuvable.', en: 'Department not found.' },
  USER_NOT_FOUND: { fr: 'Utilisateur introuvable.', en: 'User not found.' },
  CLIENT_NOT_FOUND: { fr: 'Client introuvable.', en: 'Client not found.' },
  ROOM_NOT_FOUND: { fr: 'Salle introuvable.', en: 'Room not found.' },
  ITEM_NOT_FOUND: { fr: 'Matériel introuvable.', en: 'Item not found.' },
  LOAN_NOT_FOUND: { fr: 'Attribution introuvable.', en: 'Loan not found.' },
  ITEM_ALREADY_ON_LOAN: {
    fr: 'Ce matériel est déjà attribué et n’a pas été rendu.',
    en: 'This item is already on loan and has not been returned.',
  },
  LOAN_ALREADY_RETURNED: { fr: 'Cette attribution est déjà rendue.', en: 'This loan was already returned.' },
  LOAN_CANCELLED: { fr: 'Cette attribution est annulée.', en: 'This loan is cancelled.' },
  ITEM_INACTIVE: { fr: 'Ce matériel est hors service.', en: 'This item is inactive.' },
  INVENTORY_NUMBER_TAKEN: {
    fr: 'Ce numéro d’inventaire est déjà utilisé.',
    en: 'This inventory number is already in use.',
  },
  ASSET_ID_TAKEN: {
    fr: 'Cet identifiant d’actif est déjà utilisé dans ce département.',
    en: 'This asset id is already in use in this department.',
  },
  EMAIL_TAKEN: {
    fr: 'Cette adresse e-mail est déjà utilisée.',
    en: 'This e-mail address is already in use.',
  },
  NAME_TAKEN: { fr: 'Ce nom est déjà utilisé.', en: 'This name is already in use.' },
  MALFORMED_JSON: {
    fr: 'Le corps de la requête n’est pas du JSON valide.',
    en: 'The body is not valid JSON.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    fr: 'Type de contenu non pris en charge : envoyez application/json.',
    en: 'Unsupported content type: send application/json.',
  },
  BODY_TOO_LARGE: { fr: 'Le corps de la requête est trop volumineux.', en: 'The request body is too large.' },
  CONFLICT: { fr: 'Conflit avec une donnée existante.', en: 'Conflicts with existing data.' },
  BAD_REQUEST: { fr: 'Requête incorrecte.', en: 'Bad request.' },
  INTERNAL_ERROR: {
    fr: 'Erreur interne. Réessayez plus tard.',
    en: 'Internal error. Please try again later.',
  },
  SERVICE_UNAVAILABLE: {
    fr: 'Service momentanément indisponible.',
    en: 'Service temporarily unavailable.',
  },

  // Field messages (validation details).
  'field.phone_invalid': { fr: 'Numéro de téléphone invalide.', en: 'Invalid phone number.' },
  'field.whatsapp_number_required': {
    fr: 'WhatsApp activé : un numéro WhatsApp valide (mobile) est requis.',
    en: 'WhatsApp on: a valid (mobile) WhatsApp number is required.',
  },
  'field.whatsapp_number_invalid': {
    fr: 'Numéro WhatsApp invalide (un mobile est requis).',
    en: 'Invalid WhatsApp number (a mobile number is required).',
  },
  'field.borrower_exactly_one': {
    fr: 'Indiquez soit un client (clientId), soit une salle (roomId), pas les deux.',
    en: 'Give either a client (clientId) or a room (roomId), not both.',
  },
  'field.due_exactly_one': {
    fr: 'Indiquez soit dueAt (instant ISO avec fuseau), soit dueDate (AAAA-MM-JJ).',
    en: 'Give either dueAt (ISO instant with offset) or dueDate (YYYY-MM-DD).',
  },
  'field.due_time_without_date': {
    fr: 'dueTime ne s’utilise qu’avec dueDate.',
    en: 'dueTime can only be used with dueDate.',
  },
  'field.invalid_date': { fr: 'Date invalide.', en: 'Invalid date.' },
  'field.due_before_start': {
    fr: 'L’échéance doit être après le début de l’attribution.',
    en: 'The due time must be after the loan starts.',
  },
  'field.due_in_past': {
    fr: 'L’échéance doit être dans le futur.',
    en: 'The due time must be in the future.',
  },
  'field.due_too_far': {
    fr: 'L’échéance doit être avant l’an 9000.',
    en: 'The due time must be before the year 9000.',
  },
  'field.department_mismatch': {
    fr: 'N’appartient pas au département du matériel.',
    en: 'Does not belong to the item’s department.',
  },
  'field.not_department_staff': {
    fr: 'Doit être un membre actif du personnel du département.',
    en: 'Must be an active staff member of the department.',
  },
  'field.department_required': {
    fr: 'departmentId est requis avec une clé globale.',
    en: 'departmentId is required with a global key.',
  },
  'field.super_admin_no_department': {
    fr: 'Un super administrateur n’a pas de département.',
    en: 'A super admin has no department.',
  },
  'field.stay_end_before_start': {
    fr: 'La fin du séjour doit suivre son début.',
    en: 'The stay must end after it starts.',
  },
  'field.invalid_cursor': { fr: 'Curseur de pagination invalide.', en: 'Invalid pagination cursor.' },
  'field.control_character': {
    fr: 'Caractères de contrôle interdits (U+0000, retour à la ligne, tabulation…).',
    en: 'Control characters (U+0000, line breaks, tabs…) are not allowed.',
  },
  'field.control_character_in_text': {
    fr: 'Caractères de contrôle interdits (U+0000…) ; seuls les retours à la ligne et les tabulations sont admis.',
    en: 'Control characters (U+0000…) are not allowed; only line breaks and tabs are.',
  },
  'field.year_out_of_range': {
    fr: 'L’année doit être comprise entre 0001 et 9999 (en UTC pour un instant).',
    en: 'The year must be between 0001 and 9999 (in UTC for an instant).',
  },
} as const satisfies Record<string, Record<Language, string>>;

export type MessageKey = keyof typeof MESSAGES;

export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(MESSAGES, key);

export const translate = (key: MessageKey, lang: Language): string => MESSAGES[key][lang];
