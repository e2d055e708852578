/**
 * A customer's phone number as a person types it, checked and reduced to WhatsApp's form (the E.164 digits without
 * the "+", which is what Meta calls a wa_id). No zod and no tables of national plans, so the side panel takes it
 * whole for a few hundred bytes: the country calling code must be one the ITU assigned to a country or territory
 * (E.164's codes are prefix-free, so at most one of the first 1, 2 or 3 digits matches), and the whole number must
 * fit E.164's 15 digits. North America (+1) is checked to its fixed ten digits; elsewhere the national part needs
 * 4 to 14 digits, which is as far as a check without each country's plan can go honestly. Pure.
 */

/** Assigned geographic country calling codes (ITU-T E.164 list); non-geographic ones (+800, +881…) reach no WhatsApp user. */
const CODES = new Set(
  (
    "1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 " +
    "211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 " +
    "250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 " +
    "350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 379 380 381 382 383 385 386 387 389 420 421 423 " +
    "500 501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599 " +
    "670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689 690 691 692 850 852 853 855 856 880 886 " +
    "960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 995 996 998"
  ).split(" "),
);

export type PhoneProblem = "empty" | "characters" | "country_code_missing" | "country_code_unknown" | "too_short" | "too_long";

export type PhoneCheck = { ok: true; waId: string; countryCode: string } | { ok: false; problem: PhoneProblem };

/** English, for API users; the panel says the same through `newConversation.phone.<problem>`. */
export const PHONE_PROBLEMS: Record<PhoneProblem, string> = {
  empty: "type the customer's phone number",
  characters: "a phone number has digits, and at most a leading + and spaces, dashes, dots or brackets",
  country_code_missing: "start with + and the country code (e.g. +86 138 0013 8000); a number starting with 0 is a national one",
  country_code_unknown: "no country has that calling code",
  too_short: "too few digits for a phone number in that country",
  too_long: "too many digits: a full international number has at most 15",
};

/** Separators people type (and "(0)", the trunk prefix written beside an international number). */
const SEPARATORS = /[\s\-.()\u00a0\u2010-\u2015]/g;

export function checkPhone(input: string): PhoneCheck {
  let text = input.trim().replace(/\(0\)/g, "").replace(SEPARATORS, "");
  if (text === "") return { ok: false, problem: "empty" };
  let international = false;
  if (text.startsWith("+")) {
    text = text.slice(1);
    international = true;
  } else if (text.startsWith("00")) {
    text = text.slice(2);
    international = true;
  }
  if (!/^\d+$/.test(text)) return { ok: false, problem: "characters" };
  // "0…" without "+" or "00" is a national number; "+0…" names no country.
  if (text.startsWith("0")) return { ok: false, problem: international ? "country_code_unknown" : "country_code_missing" };
  if (text.length > 15) return { ok: false, problem: "too_long" };
  const countryCode = [1, 2, 3].map((n) => text.slice(0, n)).find((code) => CODES.has(code));
  if (!countryCode) return { ok: false, problem: text.length < 4 ? "too_short" : "country_code_unknown" };
  const national = text.slice(countryCode.length);
  if (countryCode === "1") {
    if (national.length !== 10) return { ok: false, problem: national.length < 10 ? "too_short" : "too_long" };
  } else if (national.length < 4) {
    return { ok: false, problem: "too_short" };
  }
  return { ok: true, waId: text, countryCode };
}
