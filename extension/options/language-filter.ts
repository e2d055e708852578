import type { Conversation } from "../../shared/inbox";

/**
 * The floor's filter of conversations by the customer's language (as an agent's device detected it). A base
 * language takes its variants, as the server's `?language=` does: "zh" also finds "zh-Hant". "" finds the customers
 * whose language was never detected; null keeps everyone. Pure.
 */
export type LanguageChoice = string | null;

export function matchesLanguage(conversation: Conversation, choice: LanguageChoice): boolean {
  if (choice === null) return true;
  const language = conversation.contact.language ?? "";
  if (choice === "") return language === "";
  return language === choice || language.startsWith(`${choice}-`);
}

/** The base languages the list holds (for the filter's choices), sorted, and whether someone's was never detected. */
export function languagesIn(conversations: Conversation[]): { languages: string[]; undetected: boolean } {
  const bases = new Set<string>();
  let undetected = false;
  for (const c of conversations) {
    const language = c.contact.language;
    if (!language) undetected = true;
    else bases.add(language.split("-")[0]!);
  }
  return { languages: [...bases].sort(), undetected };
}
