export function importsOf(file: string): string[];
export function resolveSpecifier(file: string, specifier: string): string;
export function cycleThrough(start: string, importsOfFile?: (file: string) => string[]): string[] | null;
