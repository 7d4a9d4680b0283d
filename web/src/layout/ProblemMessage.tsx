// A failed request, said in the interface's language: known problem codes have their own text,
// anything else shows the server's detail.
import { useTranslation } from "react-i18next";

import { Problem } from "../api/problem";

export function useProblemText() {
  const { t, i18n } = useTranslation();
  return (error: unknown): string => {
    if (error instanceof Problem) {
      if (error.code === "validation_failed") {
        return t("problems.validation_failed", { fields: error.fieldErrors.join("; ") });
      }
      const key = `problems.${error.code}`;
      if (i18n.exists(key)) return t(key);
      if (error.status === 409) return `${t("problems.conflict")} (${error.message})`;
      return t("problems.generic", { detail: error.message });
    }
    return t("problems.generic", { detail: error instanceof Error ? error.message : String(error) });
  };
}

export function ProblemMessage({ error }: { error: unknown }) {
  const text = useProblemText();
  if (error === null || error === undefined) return null;
  return (
    <p role="alert" className="problem">
      {text(error)}
    </p>
  );
}
