import { useEffect, useState } from "preact/hooks";
import type { Locale } from "../lib/i18n";

/**
 * The language a switch shows: the one just picked, while its dictionary is still loading, then the page's own.
 * Without it, any re-render in that moment (a socket push, a status tick) puts the switch back on the old language
 * until the new one arrives, and the agent sees their choice undone.
 */
export function usePickedLocale(locale: Locale, onLocale: (l: Locale) => void): [Locale, (l: Locale) => void] {
  const [picked, setPicked] = useState<Locale | null>(null);
  useEffect(() => setPicked(null), [locale]);
  return [
    picked ?? locale,
    (next: Locale) => {
      setPicked(next);
      onLocale(next);
    },
  ];
}
