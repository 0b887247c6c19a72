import { describe, expect, it } from 'vitest';
import { preferredLanguage } from './language';

describe('preferredLanguage', () => {
  it('defaults to French', () => {
    expect(preferredLanguage(undefined)).toBe('fr');
    expect(preferredLanguage('de-DE')).toBe('fr');
  });
  it('honours English and q-values', () => {
    expect(preferredLanguage('en')).toBe('en');
    expect(preferredLanguage('en-GB,en;q=0.9')).toBe('en');
    expect(preferredLanguage('fr;q=0.5, en;q=0.8')).toBe('en');
    expect(preferredLanguage('fr-FR, en;q=0.8')).toBe('fr');
    expect(preferredLanguage('en;q=0')).toBe('fr');
  });
});
