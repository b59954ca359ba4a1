// ESM resolve hook: the bare specifier `electron` resolves to this package's stub.
const stub = new URL('./index.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: stub, shortCircuit: true };
  return next(specifier, context);
}
