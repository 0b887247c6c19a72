import { DELIVERY_ERROR_CODES } from '@rappel/contracts';
import { describe, expect, it } from 'vitest';
import { failureMeaning } from './failure-codes';

describe('failureMeaning', () => {
  it('explains every code our own code writes, in both languages', () => {
    for (const code of Object.values(DELIVERY_ERROR_CODES)) {
      expect(failureMeaning(code, 'fr'), code).not.toBe('Code inconnu');
      expect(failureMeaning(code, 'en'), code).not.toBe('Unknown code');
    }
    expect(failureMeaning('INVALID_NUMBER', 'fr')).toBe(
      'Numéro inutilisable pour WhatsApp (format invalide)',
    );
  });

  it("explains the providers' codes, and says at least which kind an unlisted SMTP reply is", () => {
    expect(failureMeaning('21211', 'fr')).toBe('Numéro de téléphone invalide');
    expect(failureMeaning('5.1.1', 'fr')).toBe('Refus définitif du serveur de messagerie');
    expect(failureMeaning('471', 'en')).toBe('Temporary mail server error');
    expect(failureMeaning('SOMETHING_ELSE', 'fr')).toBe('Code inconnu');
  });
});
