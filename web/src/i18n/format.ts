// Dates and numbers in the format of the interface's language (Intl does the work).
import { useTranslation } from "react-i18next";

export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? "es";
  return {
    locale,
    number: (n: number) => new Intl.NumberFormat(locale).format(n),
    date: (iso: string | null | undefined) =>
      iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(iso)) : "—",
    dateTime: (iso: string | null | undefined) =>
      iso
        ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso))
        : "—",
    country: (code: string) => new Intl.DisplayNames([locale], { type: "region" }).of(code.toUpperCase()) ?? code,
  };
}
