// Every text of the interface, in Spanish, Portuguese and English. Each feature keeps its own
// messages (features/<name>/messages.ts) as one namespace; the shell's are in messages.ts here.
// The language follows the browser until the person picks one, which is then remembered.
import i18n, { type Resource } from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { initReactI18next } from "react-i18next";

import { namespaces } from "./namespaces";

export const LANGUAGES = ["es", "pt", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<Language, string> = {
  es: "Español",
  pt: "Português",
  en: "English",
};

function resources(): Resource {
  const out: Resource = { es: {}, pt: {}, en: {} };
  for (const [ns, messages] of Object.entries(namespaces)) {
    for (const lang of LANGUAGES) out[lang]![ns] = messages[lang];
  }
  return out;
}

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: resources(),
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true, // pt-BR, es-MX, en-GB… use pt, es, en
    load: "languageOnly",
    fallbackLng: "es",
    defaultNS: "common",
    interpolation: { escapeValue: false }, // React escapes
    detection: {
      order: ["localStorage", "navigator"],
      lookupLocalStorage: "sirbi.language",
      caches: ["localStorage"],
    },
  });

i18n.on("languageChanged", (lang) => {
  document.documentElement.lang = lang;
});
document.documentElement.lang = i18n.resolvedLanguage ?? "es";

export default i18n;
