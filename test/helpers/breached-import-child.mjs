// Runs one import in a child process (the resume test kills it mid-way). Node strips the TypeScript types;
// this hook maps the sources' `.js` import specifiers to their `.ts` files.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) return next(`${specifier.slice(0, -3)}.ts`, context);
      throw error;
    }
  },
});

const [input, output, kind, bits] = process.argv.slice(2);
const { importBreachedList } = await import('../../src/adapters/password/breached/filter-import.ts');
await importBreachedList({ input, output, kind, partitionBits: Number(bits) });
process.stdout.write('finished\n');
