/**
 * A configuration problem; the message is one line that names the key (`config: server.port: …`).
 * The CLI answers it with exit code 2. Lives in its own module so that every config helper can throw it
 * without importing the loader (no import cycles).
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
