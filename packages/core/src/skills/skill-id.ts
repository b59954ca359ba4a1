import { InvalidInputError } from '../errors.ts';
import type { IdGenerator } from '../runtime.ts';

const SKILL_ID = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const MAX_SKILL_ID_LENGTH = 64;

/** Lowercase ASCII slug: accents folded, every other run of non-alphanumerics becomes one '-'. */
export function skillSlug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SKILL_ID_LENGTH)
    .replace(/^-+|-+$/g, '');
}

/** Skill ids travel in file names and URLs, hence the slug alphabet. */
export function assertSkillId(id: string): string {
  if (!SKILL_ID.test(id) || id.length > MAX_SKILL_ID_LENGTH) {
    throw InvalidInputError.field(
      'id',
      `skill id "${id}" must use only a-z, 0-9 and '-', not start or end with '-', and be at most ${MAX_SKILL_ID_LENGTH} characters`,
    );
  }
  return id;
}

/** A given id is validated; otherwise the slug of `name`, or 8 uuid characters when the name has no slug. */
export function skillIdFor(given: string | undefined, name: string, ids: IdGenerator): string {
  if (given !== undefined) return assertSkillId(given);
  return skillSlug(name) || ids.uuid().slice(0, 8);
}
