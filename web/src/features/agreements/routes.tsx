// The agreements pages: the list, drafting a new one, and one agreement ("new" is not an id: the
// router ranks the static path first).
import type { RouteObject } from "react-router";

import { AgreementPage } from "./AgreementPage";
import { AgreementsPage } from "./AgreementsPage";
import { DraftAgreementPage } from "./DraftAgreementPage";

export const agreementsRoutes: RouteObject[] = [
  { path: "agreements", element: <AgreementsPage /> },
  { path: "agreements/new", element: <DraftAgreementPage /> },
  { path: "agreements/:agreementId", element: <AgreementPage /> },
];
