/** The two languages of the extension; its own module so pure code (and its tests, without a DOM) can name it. */
export type Locale = "en" | "zh";
