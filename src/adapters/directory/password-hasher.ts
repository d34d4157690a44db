import { hash, verify, Algorithm } from '@node-rs/argon2';

/** OWASP's argon2id parameters: 19 MiB, 2 passes, 1 lane. */
export const ARGON2ID_PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** argon2id hashing on libuv's thread pool, so the event loop keeps serving while it works. */
export class Argon2Hasher {
  private dummyHash: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2ID_PARAMS);
  }

  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      return await verify(storedHash, password);
    } catch {
      // A malformed stored hash is a wrong password, not a crash.
      return false;
    }
  }

  /** Verifies against a throwaway hash made once: the cost of a real check, for paths without an account. */
  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash('unlatch-dummy-password-for-timing');
    await this.verify(await this.dummyHash, password);
  }
}
