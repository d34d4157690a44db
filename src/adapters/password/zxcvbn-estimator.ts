import { type Options, ZxcvbnFactory } from '@zxcvbn-ts/core';
import type { StrengthEstimate, StrengthEstimator } from '../../core/ports/password-strength.js';
import { zxcvbnLanguageData } from './zxcvbn-language-data.js';

/** Tuning for `ZxcvbnEstimator`; the defaults bound the worst case to tens of milliseconds. */
export interface ZxcvbnEstimatorOptions {
  /** Code points of the password that are estimated (default 64, the length NIST says must be allowed). */
  maxEstimatedLength?: number;
  /**
   * zxcvbn's cap on l33t substitution variants tried (default 2). The library's 100 costs ~0.5 s at 64 chars;
   * 10 costs 2× the time of 2 for typical passwords, and on a sample of l33t passwords (p@$$w0rd!, M0nk3y!23,
   * 5t4rw4r5, …) 2 and 10 gave the same scores (0 variants would let them pass as strong).
   */
  l33tMaxSubstitutions?: number;
}

/**
 * zxcvbn-ts with the common and English dictionaries; feedback in English plus its codes, so pages can say it in
 * the person's language (only the English dictionaries are loaded: other packs would cost memory on every node).
 * The dictionaries are compact tables shared by every estimator in the process (zxcvbn-language-data.ts).
 * zxcvbn's matching is superlinear in length and the input is attacker-chosen (measured: 2.3 s for
 * 256 random symbols with library defaults), so only a prefix is estimated. Appending characters
 * never makes a password easier to guess, so estimating a prefix can only err on the strict side;
 * the full password is still what the length, blocklist and context rules see.
 */
export class ZxcvbnEstimator implements StrengthEstimator {
  private readonly zxcvbn: ZxcvbnFactory;
  private readonly maxEstimatedLength: number;
  /** zxcvbn's feedback sentence → its key (`straightRow`, `l33t`, …), which the pages translate. */
  private readonly warningCodes: Map<string, string>;
  private readonly suggestionCodes: Map<string, string>;

  constructor(options: ZxcvbnEstimatorOptions = {}) {
    this.maxEstimatedLength = options.maxEstimatedLength ?? 64;
    // Building the dictionaries is the slow part (~150 ms): done once per process, at start-up.
    const { dictionaries, graphs, translations } = zxcvbnLanguageData();
    this.zxcvbn = new ZxcvbnFactory({ graphs, translations, l33tMaxSubstitutions: options.l33tMaxSubstitutions ?? 2 });
    // zxcvbn reads a ranked dictionary only as `dict[word]`; it gets the compact tables in that shape instead of
    // building one object property per word from the lists.
    const zxcvbnOptions = (this.zxcvbn as unknown as { options: Options }).options;
    zxcvbnOptions.rankedDictionaries = Object.fromEntries(Object.entries(dictionaries).map(([name, table]) => [name, table.asRecord()]));
    zxcvbnOptions.rankedDictionariesMaxWordSize = Object.fromEntries(Object.entries(dictionaries).map(([name, table]) => [name, table.maxWordLength]));
    this.warningCodes = new Map(Object.entries(translations.warnings).map(([code, text]) => [text, code]));
    this.suggestionCodes = new Map(Object.entries(translations.suggestions).map(([code, text]) => [text, code]));
  }

  estimate(password: string, userInputs: string[]): StrengthEstimate {
    const result = this.zxcvbn.check(codePointPrefix(password, this.maxEstimatedLength), userInputs);
    const { warning, suggestions } = result.feedback;
    const estimate: StrengthEstimate = { score: result.score, suggestions, suggestionCodes: suggestions.flatMap((text) => this.suggestionCodes.get(text) ?? []) };
    if (warning) {
      estimate.warning = warning;
      const code = this.warningCodes.get(warning);
      if (code) estimate.warningCode = code;
    }
    return estimate;
  }
}

/** The first `max` code points, without splitting a surrogate pair and without copying a long input. */
function codePointPrefix(value: string, max: number): string {
  let end = 0;
  let count = 0;
  for (const ch of value) {
    if (count === max) break;
    end += ch.length;
    count++;
  }
  return value.slice(0, end);
}
