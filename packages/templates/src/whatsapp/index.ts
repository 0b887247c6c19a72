export { CONTENT_VARIABLE_6, contentVariables } from './content-variables';
export { MissingTemplateDataError } from './facts';
export { capBody, plainText, WHATSAPP_BODY_MAX } from './plain-text';
export { renderWhatsAppText } from './texts';
