/**
 * Country calling-code prefixes, FOR RATE LIMITING ONLY.
 *
 * The table groups destinations so that a burst of sends to one region (the signature of SMS
 * pumping / toll fraud: many numbers in a few premium-rate ranges) hits one counter. It is not a
 * phone-number library: it does not validate numbers, name countries, or know number lengths, and
 * it must not be used for routing, billing or display.
 *
 * Calling codes are prefix-free (no code is the start of another); the only overlaps are the NANP
 * area-code entries below, which is why the longest match wins.
 * Entries:
 * - World zones 1 (NANP) and 7 as one prefix each, except that the NANP's Caribbean countries get
 *   their own four-digit prefix (`1` + area code): they are billed as international and are
 *   common pumping targets, so they must not share the United States' counter.
 * - The two-digit codes of zones 2–9 that exist (30–34, 36, 39–41, 43–49, 51–58, 60–66, 81, 82,
 *   84, 86, 90–95, 98 …).
 * - The three-digit codes (212, 234, 254, 351–359, 370–389, 420, 421, 852, 880, 886, 960–998 …),
 *   including the non-geographic ones (800, 808, 870, 881–883, 888, 979) that fraud favours.
 * A number that matches nothing has no prefix; the sender then counts it under one shared `unknown`
 * key, which is the conservative choice (all unlisted destinations share one budget).
 */
const NANP_CARIBBEAN = [
  '1242', '1246', '1264', '1268', '1284', '1345', '1441', '1473', '1649', '1658', '1664', '1721',
  '1758', '1767', '1784', '1809', '1829', '1849', '1868', '1869', '1876',
];

const ONE_DIGIT = ['1', '7'];

const TWO_DIGIT = [
  '20', '27',
  '30', '31', '32', '33', '34', '36', '39',
  '40', '41', '43', '44', '45', '46', '47', '48', '49',
  '51', '52', '53', '54', '55', '56', '57', '58',
  '60', '61', '62', '63', '64', '65', '66',
  '81', '82', '84', '86',
  '90', '91', '92', '93', '94', '95', '98',
];

const THREE_DIGIT = [
  '211', '212', '213', '216', '218',
  '220', '221', '222', '223', '224', '225', '226', '227', '228', '229',
  '230', '231', '232', '233', '234', '235', '236', '237', '238', '239',
  '240', '241', '242', '243', '244', '245', '246', '247', '248', '249',
  '250', '251', '252', '253', '254', '255', '256', '257', '258',
  '260', '261', '262', '263', '264', '265', '266', '267', '268', '269',
  '290', '291', '297', '298', '299',
  '350', '351', '352', '353', '354', '355', '356', '357', '358', '359',
  '370', '371', '372', '373', '374', '375', '376', '377', '378', '379',
  '380', '381', '382', '383', '385', '386', '387', '389',
  '420', '421', '423',
  '500', '501', '502', '503', '504', '505', '506', '507', '508', '509',
  '590', '591', '592', '593', '594', '595', '596', '597', '598', '599',
  '670', '672', '673', '674', '675', '676', '677', '678', '679',
  '680', '681', '682', '683', '685', '686', '687', '688', '689',
  '690', '691', '692',
  '800', '808',
  '850', '852', '853', '855', '856',
  '870', '880', '881', '882', '883', '886', '888',
  '960', '961', '962', '963', '964', '965', '966', '967', '968',
  '970', '971', '972', '973', '974', '975', '976', '977', '979',
  '992', '993', '994', '995', '996', '998',
];

/** Every prefix in the table, for tests and documentation. */
export const CALLING_CODE_PREFIXES: ReadonlySet<string> = new Set([...ONE_DIGIT, ...TWO_DIGIT, ...THREE_DIGIT, ...NANP_CARIBBEAN]);

const LONGEST = 4;

/**
 * The calling-code prefix of an E.164 number (digits only, e.g. `44`, `1876`), by longest match,
 * or `undefined` when none is listed. For rate limiting only (see the table above).
 */
export function callingCodePrefix(e164: string): string | undefined {
  const digits = e164.startsWith('+') ? e164.slice(1) : e164;
  for (let length = Math.min(LONGEST, digits.length); length >= 1; length -= 1) {
    const candidate = digits.slice(0, length);
    if (CALLING_CODE_PREFIXES.has(candidate)) return candidate;
  }
  return undefined;
}
