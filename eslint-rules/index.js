// The project's own lint rules (eslint.config.js registers them as the `unlatch` plugin).
import layers from './layers.js';
import noImportCycles from './no-import-cycles.js';

export default { rules: { layers, 'no-import-cycles': noImportCycles } };
