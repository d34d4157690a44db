// Fails on an import against the layering of DESIGN.md: core is pure, adapters know nothing of HTTP, only the
// composition root and the CLI see every piece.
import { relative, sep } from 'node:path';
import { resolveSpecifier } from './import-graph.js';

/** The layer a project-relative path belongs to: the first entry whose prefix it starts with. */
export function layerOf(path, layers) {
  const posix = path.split(sep).join('/');
  return layers.find((layer) => layer.prefixes.some((prefix) => posix.startsWith(prefix)))?.name ?? null;
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow imports against the layering' },
    messages: { layer: '{{from}} may not import {{to}} ({{target}}); {{from}} may import only: {{allowed}}.' },
    schema: [{
      type: 'object',
      properties: {
        layers: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, prefixes: { type: 'array', items: { type: 'string' } }, mayImport: { type: 'array', items: { type: 'string' } } }, required: ['name', 'prefixes', 'mayImport'] } },
      },
      required: ['layers'],
      additionalProperties: false,
    }],
  },
  create(context) {
    const { layers } = context.options[0];
    const from = layerOf(relative(context.cwd, context.filename), layers);
    if (!from) return {};
    const allowed = layers.find((layer) => layer.name === from).mayImport;
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = relative(context.cwd, resolveSpecifier(context.filename, source));
      const to = layerOf(target, layers);
      if (!to || to === from || allowed.includes(to)) return;
      context.report({ node, messageId: 'layer', data: { from, to, target, allowed: allowed.join(', ') || 'nothing else' } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
