import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { policyFor } from '../../src/config/policy-schema.js';
import { DEFAULT_QUESTION_CHOICES } from '../../src/config/questions-schema.js';

const failure = (raw: Record<string, unknown>): string => {
  try {
    validateConfig(raw);
  } catch (error) {
    return String(error);
  }
  throw new Error('the configuration was accepted');
};

describe('config: securityQuestions', () => {
  it('defaults to three of eight built-in questions, no custom questions, and leaves the policy off', () => {
    const config = validateConfig({});
    expect(config.securityQuestions).toEqual({ choices: [...DEFAULT_QUESTION_CHOICES], allowCustom: false, count: 3 });
    expect(DEFAULT_QUESTION_CHOICES).toHaveLength(8);
    expect(policyFor(config.policy, 'demo').defaults.allowedMethods).not.toContain('questions');
    expect(policyFor(config.policy, 'demo').defaults.allowedMethods).toContain('email_code');
  });

  it('refuses fewer choices than questions asked, a question twice, and counts outside 3..10, naming the key', () => {
    expect(failure({ securityQuestions: { choices: ['What is one?', 'What is two?'], count: 3 } })).toMatch(/securityQuestions/);
    expect(failure({ securityQuestions: { choices: ['What is one?', 'what is ONE', 'What is three?'] } })).toMatch(/securityQuestions\.choices\.1.*the same question twice/);
    expect(failure({ securityQuestions: { count: 2 } })).toMatch(/securityQuestions\.count/);
    expect(failure({ securityQuestions: { count: 11 } })).toMatch(/securityQuestions\.count/);
    expect(failure({ securityQuestions: { unknown: true } })).toMatch(/securityQuestions/);
    // Questions are a second proof only: a policy that allows nothing else could never start a reset.
    expect(failure({ policy: { default: { allowedMethods: ['questions'] } } })).toMatch(/only questions, which are a second proof only/);
    // With custom questions, a short list is fine.
    expect(validateConfig({ securityQuestions: { choices: ['What is one?', 'What is two?', 'What is three?'], allowCustom: true, count: 5 } }).securityQuestions.count).toBe(5);
  });
});
