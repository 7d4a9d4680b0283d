// Drafting a new agreement: its terms in the form, sent to the agreements service; the new draft's
// page opens once it is saved. For the secretariat and the national representatives only (a
// representative's own country is a party from the start, as the service requires).
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";

import { AgreementTermsForm } from "./AgreementTermsForm";
import { useAgreementAccess } from "./access";
import { useDraftAgreement } from "./queries";
import "./agreements.css";

export function DraftAgreementPage() {
  const { t } = useTranslation("agreements");
  const navigate = useNavigate();
  const { mayDraft, ownCountry } = useAgreementAccess();
  const draft = useDraftAgreement();

  return (
    <>
      <p>
        <Link to="/agreements">{t("detail.back")}</Link>
      </p>
      <h1>{t("draft.title")}</h1>
      {mayDraft ? (
        <AgreementTermsForm
          // A representative's own country is known once the session is: the form starts from it.
          key={ownCountry ?? "secretariat"}
          ownCountry={ownCountry}
          busy={draft.isPending}
          error={draft.error}
          submitLabel={t("draft.submit")}
          onSubmit={(terms, code) =>
            draft.mutate(
              { ...terms, code },
              { onSuccess: (drafted) => navigate(`/agreements/${drafted.id}`, { state: { drafted: true } }) },
            )
          }
          cancel={
            <Link to="/agreements" className="button">
              {t("common:common.cancel")}
            </Link>
          }
        />
      ) : (
        <p className="problem">{t("draft.notAllowed")}</p>
      )}
    </>
  );
}
