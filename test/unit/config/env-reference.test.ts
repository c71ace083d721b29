import { envReferencesIn, MissingEnvReferenceError, resolveEnvReferences } from '../../../src/config/env-reference';

describe('${NAME} references in configured values', () => {
  const env = { PD_PAYMENTS_KEY: 'k'.repeat(32), EMPTY: '' };

  it('replaces each reference with its variable and leaves other text as written', () => {
    expect(resolveEnvReferences('${PD_PAYMENTS_KEY}', env)).toBe('k'.repeat(32));
    expect(resolveEnvReferences('prefix-${PD_PAYMENTS_KEY}', env)).toBe(`prefix-${'k'.repeat(32)}`);
    expect(resolveEnvReferences('literal0123456789', env)).toBe('literal0123456789');
    expect(resolveEnvReferences('${lower_case}', env)).toBe('${lower_case}');
  });

  it('names an unset or empty variable, never a value', () => {
    expect(() => resolveEnvReferences('${PD_MISSING}', env)).toThrow(new MissingEnvReferenceError('PD_MISSING'));
    expect(() => resolveEnvReferences('${EMPTY}', env)).toThrow('the environment variable EMPTY is not set');
  });

  it('lists the variables a value names', () => {
    expect(envReferencesIn('${A}-${B_2}-x')).toEqual(['A', 'B_2']);
  });
});
