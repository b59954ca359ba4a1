import { InvalidInputError, NotFoundError } from './errors.ts';

/**
 * Resolves a full id or a unique prefix (the CLI prints 8-char ids) against the candidate ids.
 * An ambiguous prefix is an input error that lists the matches.
 */
export function resolveIdPrefix(entity: string, idOrPrefix: string, candidates: readonly string[]): string {
  if (candidates.includes(idOrPrefix)) return idOrPrefix;
  const matches = candidates.filter((c) => c.startsWith(idOrPrefix));
  if (matches.length === 1) return matches[0] as string;
  if (matches.length === 0 || idOrPrefix.length === 0) throw new NotFoundError(entity, idOrPrefix);
  const shown = matches
    .slice(0, 5)
    .map((m) => m.slice(0, 12))
    .join(', ');
  throw InvalidInputError.field(
    'id',
    `prefix "${idOrPrefix}" is ambiguous: matches ${matches.length} ${entity.toLowerCase()}s (${shown}${matches.length > 5 ? ', …' : ''})`,
  );
}
