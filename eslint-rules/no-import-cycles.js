// Fails on an import that closes a cycle: DESIGN.md allows none (type-only imports count too).
import { relative } from 'node:path';
import { cycleThrough, resolveSpecifier } from './import-graph.js';

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow relative imports that form a cycle' },
    messages: { cycle: 'Import cycle: {{path}}. Move what both need into a module of its own.' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const cycle = cycleThrough(file);
    if (!cycle) return {};
    const firstHop = cycle[1];
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      if (resolveSpecifier(file, source) !== firstHop) return;
      context.report({ node, messageId: 'cycle', data: { path: cycle.map((f) => relative(context.cwd, f)).join(' → ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
