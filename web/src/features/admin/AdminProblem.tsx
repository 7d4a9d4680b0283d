// A failed administration request: the problem codes only these pages meet (an email taken, a
// webhook URL that is not public…) have their own text here; any other goes to ProblemMessage.
import { useTranslation } from "react-i18next";

import { Problem } from "../../api/problem";
import { ProblemMessage } from "../../layout/ProblemMessage";

export function AdminProblem({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation("admin");
  if (error instanceof Problem && i18n.exists(`admin:problems.${error.code}`)) {
    // The gateway names the refused host of a URL; other codes carry nothing to show.
    const host = typeof error.body.host === "string" ? error.body.host : "";
    return (
      <p role="alert" className="problem">
        {t(`problems.${error.code}`, { host })}
      </p>
    );
  }
  return <ProblemMessage error={error} />;
}
