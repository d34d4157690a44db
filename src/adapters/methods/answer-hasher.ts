import type { AnswerHasher } from '../../core/methods/questions/security-questions.js';
import { Argon2Hasher } from '../directory/password-hasher.js';

/**
 * Security-question answers hashed like passwords: argon2id with OWASP's parameters, each with its own
 * salt. Answers have little entropy (a town, a name), so a slow hash is what makes guessing offline cost;
 * a malformed stored hash verifies as a wrong answer.
 */
export class Argon2AnswerHasher implements AnswerHasher {
  constructor(private readonly argon2: Argon2Hasher = new Argon2Hasher()) {}

  hash(normalizedAnswer: string): Promise<string> {
    return this.argon2.hash(normalizedAnswer);
  }

  verify(hash: string, normalizedAnswer: string): Promise<boolean> {
    return this.argon2.verify(hash, normalizedAnswer);
  }
}
