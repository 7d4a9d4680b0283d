// The agreements service through the gateway: the list (filtered, a page at a time), one
// agreement and its history, the partner register; and every change of the lifecycle. Each change
// sends the version the page read as If-Match, so one made meanwhile is reported, not overwritten.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type Agreement = Schemas["agreements.AgreementPublic"];
export type AgreementStatus = Schemas["agreements.AgreementStatus"];
export type AgreementType = Schemas["agreements.AgreementType"];
export type CooperationArea = Schemas["agreements.CooperationArea"];
export type RenewalRule = Schemas["agreements.RenewalRule"];
export type Party = Schemas["agreements.PartyPublic"];
export type PartyRef = Schemas["agreements.PartyRef"];
export type Partner = Schemas["agreements.PartnerPublic"];
export type HistoryEntry = Schemas["agreements.HistoryEntry"];
export type AgreementTerms = Schemas["agreements.AgreementTerms"];
export type AgreementDraft = Schemas["agreements.AgreementDraft"];
export type Signature = Schemas["agreements.SignatureInput"];

export const AGREEMENT_STATUSES: AgreementStatus[] = [
  "draft",
  "proposed",
  "partially_signed",
  "signed",
  "in_force",
  "suspended",
  "under_review",
  "expired",
  "terminated",
];
export const AGREEMENT_TYPES: AgreementType[] = ["bilateral", "multilateral", "framework", "specific"];
export const COOPERATION_AREAS: CooperationArea[] = [
  "consortium_purchase",
  "union_catalogue",
  "shared_cataloguing",
  "shared_collection_development",
  "preservation",
  "digitisation",
  "interlibrary_loan",
  "online_reference",
  "cultural_activities_and_reading_promotion",
  "content_creation",
  "shared_it_systems",
  "training",
  "equipment_and_connectivity",
];
export const RENEWAL_RULES: RenewalRule[] = ["none", "automatic", "by_agreement"];

/** While an agreement circulates for signature, each party signs it once. */
export const SIGNING: AgreementStatus[] = ["proposed", "partially_signed"];

/** The secretariat's changes of status, from where each is allowed (the service's lifecycle). */
export type Move = "suspend" | "resume" | "terminate";
export const MOVES: { move: Move; from: AgreementStatus[]; needsReason: boolean }[] = [
  { move: "suspend", from: ["in_force"], needsReason: true },
  { move: "resume", from: ["suspended", "under_review"], needsReason: false },
  {
    move: "terminate",
    from: ["draft", "proposed", "partially_signed", "signed", "in_force", "suspended", "under_review"],
    needsReason: true,
  },
];

/** What the list endpoint filters on; `party` is a partner's id here (countries go by `country`). */
export type AgreementFilters = {
  status?: AgreementStatus;
  type?: AgreementType;
  country?: string;
  area?: CooperationArea;
  party?: string;
};

export const PAGE_SIZE = 25;

export function useAgreements(filters: AgreementFilters, cursor: string | null) {
  return useQuery({
    queryKey: ["agreements", "list", filters, cursor],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/agreements/agreements", {
          params: { query: { ...filters, ...(cursor ? { cursor } : {}), limit: PAGE_SIZE } },
        }),
      ),
  });
}

export function useAgreement(agreementId: string) {
  return useQuery({
    queryKey: ["agreements", "detail", agreementId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/agreements/agreements/{agreement_id}", {
          params: { path: { agreement_id: agreementId } },
        }),
      ),
  });
}

export function useAgreementHistory(agreementId: string) {
  return useQuery({
    queryKey: ["agreements", "detail", agreementId, "history"],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/agreements/agreements/{agreement_id}/history", {
          params: { path: { agreement_id: agreementId } },
        }),
      ),
  });
}

export function usePartners() {
  return useQuery({
    queryKey: ["agreements", "partners"],
    queryFn: async () => unwrap(await api.GET("/api/agreements/partners")),
  });
}

/** The path and If-Match of a change to the agreement as the page read it. */
function atVersion(agreement: Agreement) {
  return { path: { agreement_id: agreement.id }, header: { "If-Match": `"${agreement.version}"` } };
}

/** A change to one agreement: its answer replaces what the pages show, and, whatever the answer
 * (a new version, or a conflict), everything about agreements is read again. */
function useAgreementChange<Input>(agreement: Agreement, change: (input: Input) => Promise<Agreement>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: (changed) => client.setQueryData(["agreements", "detail", agreement.id], changed),
    onSettled: () => client.invalidateQueries({ queryKey: ["agreements"] }),
  });
}

export function useDraftAgreement() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: AgreementDraft) =>
      unwrap(await api.POST("/api/agreements/agreements", { body })),
    onSuccess: (drafted) => {
      client.setQueryData(["agreements", "detail", drafted.id], drafted);
      return client.invalidateQueries({ queryKey: ["agreements", "list"] });
    },
  });
}

export function useUpdateDraft(agreement: Agreement) {
  return useAgreementChange(agreement, async (body: AgreementTerms) =>
    unwrap(await api.PUT("/api/agreements/agreements/{agreement_id}", { params: atVersion(agreement), body })),
  );
}

export function usePropose(agreement: Agreement) {
  return useAgreementChange(agreement, async () =>
    unwrap(await api.POST("/api/agreements/agreements/{agreement_id}/propose", { params: atVersion(agreement) })),
  );
}

export function useSign(agreement: Agreement) {
  return useAgreementChange(agreement, async (body: Signature) =>
    unwrap(
      await api.POST("/api/agreements/agreements/{agreement_id}/signatures", { params: atVersion(agreement), body }),
    ),
  );
}

export function useChangeStatus(agreement: Agreement) {
  return useAgreementChange(agreement, async ({ move, reason }: { move: Move; reason: string }) => {
    const params = atVersion(agreement);
    switch (move) {
      case "suspend":
        return unwrap(
          await api.POST("/api/agreements/agreements/{agreement_id}/suspend", { params, body: { reason } }),
        );
      case "resume":
        return unwrap(await api.POST("/api/agreements/agreements/{agreement_id}/resume", { params }));
      case "terminate":
        return unwrap(
          await api.POST("/api/agreements/agreements/{agreement_id}/terminate", { params, body: { reason } }),
        );
    }
  });
}
