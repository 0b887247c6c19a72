import { NOTIFICATION_EVENT_TYPES, SKIP_REASONS, USER_ROLES } from '@rappel/contracts';
import { describe, expect, it } from 'vitest';
import { apiLanguage, pickLanguage, translator } from './i18n';
import { failureMeaning } from './stats/failure-codes';

describe('languages', () => {
  it('answers the API in French unless English is preferred', () => {
    expect(apiLanguage(undefined)).toBe('fr');
    expect(apiLanguage('en-GB,en;q=0.9')).toBe('en');
    expect(apiLanguage('fr-FR,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(apiLanguage('de-DE,en;q=0.5')).toBe('en');
    expect(apiLanguage('de-DE')).toBe('fr');
  });

  it('lets ?lang= win over the cookie, French by default', () => {
    expect(pickLanguage({ lang: 'en' }, 'fr')).toBe('en');
    expect(pickLanguage({}, 'en')).toBe('en');
    expect(pickLanguage({ lang: 'de' }, undefined)).toBe('fr');
  });

  it('fills placeholders', () => {
    expect(translator('fr')('replayDone', { count: 3 })).toBe('3 message(s) remis en file.');
  });

  it('says every skip reason, event type and role in words, in each language', () => {
    const fr = translator('fr');
    const en = translator('en');
    const keys = [
      ...SKIP_REASONS.map((r) => [r, `skipReason.${r}`] as const),
      ...NOTIFICATION_EVENT_TYPES.map((e) => [e, `event.${e}`] as const),
      ...USER_ROLES.map((r) => [r, `role.${r}`] as const),
    ];
    for (const [value, key] of keys) {
      for (const label of [fr(key), en(key)]) {
        expect(label).not.toBe(value);
        expect(label).not.toMatch(/_|^(skipReason|event|role)\./);
      }
      expect(fr(key)).not.toBe(en(key));
    }
    expect(fr('skipReason.toggle_off')).toBe('le destinataire a désactivé ce rappel');
  });

  it('explains provider codes in both languages, and unknown SMTP replies by class', () => {
    for (const code of [
      '21211',
      '21610',
      '63016',
      '21408',
      '30003',
      '30005',
      '30006',
      '30007',
      '550',
      '421',
      '451',
      '552',
      '553',
      'ECONNREFUSED',
      'ETIMEDOUT',
    ]) {
      expect(failureMeaning(code, 'fr')).not.toBe('Code inconnu');
      expect(failureMeaning(code, 'en')).not.toBe('Unknown code');
    }
    expect(failureMeaning('5.1.1', 'en')).toBe('Permanent mail server refusal');
    expect(failureMeaning('XYZ', 'fr')).toBe('Code inconnu');
  });
});
