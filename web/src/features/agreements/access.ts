// What the signed-in person may do to an agreement, as the agreements service decides it
// (services/agreements/…/access.py): the secretariat does everything; a national representative
// drafts, edits and proposes agreements their country is party to (as a member state or through
// a national network) and signs only for those parties of their own country. The service still
// decides every request; this only keeps the page from offering what would be refused.
import { useAuth } from "../../auth/AuthProvider";
import { MOVES, SIGNING, type Agreement, type Move, type Party } from "./queries";

/** The countries an agreement binds through its member-state and network parties (partners aside). */
function partyCountries(agreement: Agreement): string[] {
  return agreement.parties.flatMap((p) => (p.kind !== "partner" && p.country ? [p.country.toUpperCase()] : []));
}

export function useAgreementAccess() {
  const { hasRole, principal } = useAuth();
  const secretariat = hasRole("secretariat");
  const representative = hasRole("representative");
  const country = principal?.country?.toUpperCase() ?? null;

  const mayWorkOn = (agreement: Agreement) =>
    secretariat || (representative && country !== null && partyCountries(agreement).includes(country));

  const maySignFor = (party: Party) =>
    secretariat || (representative && party.kind !== "partner" && !!country && party.country?.toUpperCase() === country);

  return {
    /** Drafting is for the secretariat and the national representatives. */
    mayDraft: secretariat || representative,
    /** A representative's draft must have their own country among its parties. */
    ownCountry: secretariat ? null : country,
    mayEdit: (agreement: Agreement) => agreement.status === "draft" && mayWorkOn(agreement),
    mayPropose: (agreement: Agreement) => agreement.status === "draft" && mayWorkOn(agreement),
    /** The parties still to sign that this person may sign for, while the agreement circulates. */
    signableParties: (agreement: Agreement): Party[] =>
      SIGNING.includes(agreement.status) ? agreement.parties.filter((p) => !p.signature && maySignFor(p)) : [],
    /** The secretariat's changes of status that the agreement's status allows. */
    moves: (agreement: Agreement): Move[] =>
      secretariat ? MOVES.filter((m) => m.from.includes(agreement.status)).map((m) => m.move) : [],
  };
}
