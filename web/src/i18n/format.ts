// Dates and numbers in the format of the interface's language (Intl does the work).
import { useTranslation } from "react-i18next";

// A calendar day ("2026-03-01": a due date, a signature's date) names a day, not an instant. Read
// as an instant it would be midnight UTC, which the Americas show as the day before; read with a
// time and no zone it is the local day it names.
const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;
const asDate = (iso: string) => new Date(CALENDAR_DAY.test(iso) ? `${iso}T00:00:00` : iso);

export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? "es";
  return {
    locale,
    number: (n: number) => new Intl.NumberFormat(locale).format(n),
    date: (iso: string | null | undefined) =>
      iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(asDate(iso)) : "—",
    dateTime: (iso: string | null | undefined) =>
      iso
        ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso))
        : "—",
    country: (code: string) => new Intl.DisplayNames([locale], { type: "region" }).of(code.toUpperCase()) ?? code,
  };
}
