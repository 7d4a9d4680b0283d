// A failed agreement request, said in the interface's language. The agreements service's own
// problem codes (already signed, not allowed in this status, a party not an active member…) have
// their texts in this feature's namespace; every other code is ProblemMessage's (the common texts:
// version_mismatch, forbidden, validation_failed…). A stale version comes with a way to read the
// agreement again, since the person has to see what changed before trying once more.
import { useTranslation } from "react-i18next";

import { Problem } from "../../api/problem";
import { ProblemMessage } from "../../layout/ProblemMessage";

/** The parties a problem names (party_not_active, unknown_party), by their refs. */
function namedParties(problem: Problem): string[] {
  const parties = (problem.body as Record<string, unknown>).parties;
  if (!Array.isArray(parties)) return [];
  return parties.flatMap((p) => (p && typeof p === "object" && typeof p.ref === "string" ? [p.ref as string] : []));
}

export function AgreementProblem({
  error,
  onReload,
  partyName = (ref) => ref,
}: {
  error: unknown;
  /** Read the agreement again (offered when the page's version was stale). */
  onReload?: () => void;
  partyName?: (ref: string) => string;
}) {
  const { t, i18n } = useTranslation("agreements");
  if (error === null || error === undefined) return null;
  if (error instanceof Problem && i18n.exists(`agreements:problems.${error.code}`)) {
    const parties = namedParties(error).map(partyName);
    return (
      <p role="alert" className="problem">
        {t(`problems.${error.code}`)}
        {parties.length > 0 ? ` ${t("problems.parties", { parties: parties.join(", ") })}` : null}
      </p>
    );
  }
  const stale = error instanceof Problem && error.code === "version_mismatch";
  return (
    <>
      <ProblemMessage error={error} />
      {stale && onReload ? (
        <p>
          <button type="button" onClick={onReload}>
            {t("reload")}
          </button>
        </p>
      ) : null}
    </>
  );
}
