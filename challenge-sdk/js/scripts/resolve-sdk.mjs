// The resolve hook `register.mjs` installs: `@cohack/sdk` is this SDK's `src/index.js` (the
// stand-ins; in a component, the build resolves it to `src/component.js` instead).

const SDK = new URL('../src/index.js', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@cohack/sdk') {
    return { url: SDK, shortCircuit: true, format: 'module' };
  }
  return nextResolve(specifier, context);
}
