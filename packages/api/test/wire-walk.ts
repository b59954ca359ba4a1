// Walks the wire of a router: input and declared output zod schemas (as JSON Schema) and the output types clients
// compile against (with the TypeScript checker), collecting field names that break the snake_case style.
import path from 'node:path';
import type { AnyRouter } from '@trpc/server';
import ts from 'typescript';
import { z } from 'zod';

/** Names tRPC itself puts on the wire. */
export const TRPC_OWN_NAMES = new Set(['lastEventId']);

const isCamel = (name: string) => /[A-Z]/.test(name) && !TRPC_OWN_NAMES.has(name);

export interface Procedure {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  inputs: z.ZodType[];
  output: z.ZodType | undefined;
}

/** Every procedure of a router whose sub-routers are all loaded (loadAllRouters): never a partial list. */
export function proceduresOf(appRouter: AnyRouter): Procedure[] {
  const unloaded = Object.keys(appRouter._def.lazy);
  if (unloaded.length > 0) throw new Error(`load every sub-router first (loadAllRouters); not loaded: ${unloaded}`);
  const procedures = appRouter._def.procedures as Record<string, { _def: Record<string, unknown> }>;
  return Object.entries(procedures).map(([path, procedure]) => ({
    path,
    type: procedure._def.type as Procedure['type'],
    inputs: (procedure._def.inputs as z.ZodType[]) ?? [],
    output: procedure._def.output as z.ZodType | undefined,
  }));
}

/** Every `properties` key anywhere in a JSON Schema document, with its path. */
function jsonSchemaFields(node: unknown, at: string, found: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) jsonSchemaFields(item, at, found);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [field, schema] of Object.entries(value)) {
        found.push(`${at}.${field}`);
        jsonSchemaFields(schema, `${at}.${field}`, found);
      }
    } else {
      jsonSchemaFields(value, at, found);
    }
  }
}

export function schemaFields(schema: z.ZodType, io: 'input' | 'output'): string[] {
  const found: string[] = [];
  jsonSchemaFields(z.toJSONSchema(schema, { io, unrepresentable: 'any' }), '', found);
  return found.map((field) => field.slice(1));
}

/** `path: field` for every camelCase field of every input schema and declared output schema. */
export function camelSchemaFields(procedures: Procedure[]): string[] {
  const bad: string[] = [];
  for (const procedure of procedures) {
    const walked = [
      ...procedure.inputs.flatMap((input) => schemaFields(input, 'input').map((f) => ['input', f] as const)),
      ...(procedure.output ? schemaFields(procedure.output, 'output').map((f) => ['output', f] as const) : []),
    ];
    for (const [io, field] of walked) {
      if (isCamel(field.split('.').at(-1) as string)) bad.push(`${procedure.path}: ${io} ${field}`);
    }
  }
  return bad;
}

/** Outputs whose fields are not the wire's own but an embedded document's (tool parameters are JSON Schema). */
const FOREIGN_DOCUMENTS = [/^system\.tools:\[\]\.parameters\b/];

const LEAF_FLAGS =
  ts.TypeFlags.StringLike |
  ts.TypeFlags.NumberLike |
  ts.TypeFlags.BooleanLike |
  ts.TypeFlags.BigIntLike |
  ts.TypeFlags.ESSymbolLike |
  ts.TypeFlags.EnumLike |
  ts.TypeFlags.Undefined |
  ts.TypeFlags.Null |
  ts.TypeFlags.Void |
  ts.TypeFlags.Any |
  ts.TypeFlags.Unknown |
  ts.TypeFlags.Never;

/** The TypeScript view: `path: field` for every camelCase field in the output types of `typeName`'s procedures. */
export function camelOutputTypeFields(fixture: string, typeName: string, paths: string[]): string[] {
  const configPath = path.join(path.dirname(fixture), '../../tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram([fixture], config.options);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(fixture);
  if (!source) throw new Error(`cannot compile ${fixture}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const alias = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === typeName);
  if (!alias) throw new Error(`${fixture} has no type ${typeName}`);
  const root = checker.getDeclaredTypeOfSymbol(alias);

  const bad: string[] = [];
  const seen = new Set<ts.Type>();
  const walk = (type: ts.Type, at: string, depth: number) => {
    if (depth > 12 || seen.has(type)) return;
    if (FOREIGN_DOCUMENTS.some((pattern) => pattern.test(at))) return;
    if (type.isUnion() || type.isIntersection()) {
      for (const member of type.types) walk(member, at, depth);
      return;
    }
    if (type.flags & LEAF_FLAGS) return;
    seen.add(type);
    const element = checker.isArrayType(type) || checker.isTupleType(type);
    if (element) {
      for (const item of checker.getTypeArguments(type as ts.TypeReference)) walk(item, `${at}[]`, depth + 1);
      return;
    }
    const symbolName = type.getSymbol()?.getName();
    if (symbolName === 'AsyncIterable' || symbolName === 'AsyncGenerator') {
      const [item] = checker.getTypeArguments(type as ts.TypeReference);
      if (item) walk(item, `${at} yields`, depth + 1);
      return;
    }
    if (symbolName && ['Date', 'Map', 'Set', 'Uint8Array', 'Promise', 'RegExp'].includes(symbolName)) return;
    for (const property of type.getProperties()) {
      const name = property.getName();
      if (name.startsWith('__@')) continue;
      const field = `${at}.${name}`;
      if (isCamel(name)) bad.push(field);
      walk(checker.getTypeOfSymbol(property), field, depth + 1);
    }
    seen.delete(type);
  };

  for (const procedurePath of paths) {
    let type: ts.Type | undefined = root;
    for (const segment of procedurePath.split('.')) {
      const property: ts.Symbol | undefined = type && checker.getPropertyOfType(type, segment);
      type = property && checker.getTypeOfSymbol(property);
    }
    if (!type) throw new Error(`${typeName} has no procedure ${procedurePath}`);
    const before = bad.length;
    walk(type, `${procedurePath}:`, 0);
    for (let i = before; i < bad.length; i++) bad[i] = (bad[i] as string).replace(': .', ': ').replace(':.', ': ');
  }
  return bad;
}
