// Holds procedure names to the verb table of src/schemas/verbs.ts and deletes to their one result shape.
import { clearResultSchema, deleteResultSchema, VERB_SYNONYMS, VERBS } from '../src/schemas/index.ts';
import type { Procedure } from './wire-walk.ts';

/** The verbs of resources; they never prefix a name (`getSession`, `listByAgent`), a sub-router or filter does. */
const RESOURCE_VERBS = ['list', 'get', 'create', 'update', 'delete', 'set', 'clear'];

const verbs = VERBS as Record<string, { type: 'query' | 'mutation' }>;

/** The verb a name uses: itself, or the leading verb of a qualified domain verb (`searchRanked` → `search`). */
function leadingVerb(name: string): string | undefined {
  if (verbs[name]) return name;
  const head = /^[a-z]+(?=[A-Z])/.exec(name)?.[0];
  return head && (verbs[head] || VERB_SYNONYMS[head]) ? head : undefined;
}

export function verbProblems(procedures: Procedure[]): string[] {
  const problems: string[] = [];
  for (const { path, type, output } of procedures) {
    const name = path.split('.').at(-1) as string;
    const isStream = /^on[A-Z]/.test(name);
    if (type === 'subscription' || isStream) {
      if (!(type === 'subscription' && isStream)) problems.push(`${path}: subscriptions and only they are on<Thing>`);
      continue;
    }
    const synonym = VERB_SYNONYMS[name];
    if (synonym) {
      problems.push(`${path}: "${name}" means "${synonym}"; use ${synonym}`);
      continue;
    }
    const verb = leadingVerb(name);
    if (verb && verb !== name && (RESOURCE_VERBS.includes(verb) || VERB_SYNONYMS[verb])) {
      problems.push(`${path}: "${verb}" never prefixes a name; use a sub-router or a filter input`);
      continue;
    }
    const expected = verb ? verbs[verb]?.type : 'query';
    if (type !== expected) {
      problems.push(
        verb
          ? `${path}: "${verb}" is a ${expected}, this is a ${type}`
          : `${path}: "${name}" is not in the verb table; a ${type} must be named by a verb`,
      );
    }
    if (name === 'delete' && output !== deleteResultSchema) {
      problems.push(`${path}: a delete returns deleteResultSchema ({ deleted: true, id })`);
    }
    if (name === 'clear' && output !== clearResultSchema) {
      problems.push(`${path}: a clear returns clearResultSchema ({ deleted_count })`);
    }
  }
  return problems;
}
