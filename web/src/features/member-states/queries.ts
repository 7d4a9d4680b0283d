// Member states and a country's profile, from the gateway; a status change answers with the new
// state, which then replaces what the pages show.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

export type MemberState = components["schemas"]["members.MemberStatePublic"];
export type MemberStatus = components["schemas"]["members.MemberStatus"];
export type CountryProfile = components["schemas"]["CountryProfile"];
export type Network = components["schemas"]["members.NetworkPublic"];
export type Representative = components["schemas"]["members.RepresentativeRead"];

export const MEMBER_STATUSES: MemberStatus[] = ["candidate", "active", "suspended", "withdrawn"];

/** What the secretariat may do from each status; a reason is asked where the API records one. */
export const TRANSITIONS: Record<MemberStatus, { action: Transition; needsReason: boolean }[]> = {
  candidate: [{ action: "admit", needsReason: false }],
  active: [
    { action: "suspend", needsReason: true },
    { action: "withdraw", needsReason: true },
  ],
  suspended: [
    { action: "reinstate", needsReason: false },
    { action: "withdraw", needsReason: true },
  ],
  withdrawn: [],
};
export type Transition = "admit" | "suspend" | "reinstate" | "withdraw";

export function useMemberStates(status?: MemberStatus) {
  return useQuery({
    queryKey: ["member-states", status ?? "all"],
    queryFn: async () =>
      unwrap(await api.GET("/api/members/member-states", { params: { query: status ? { status } : {} } })),
  });
}

export function useCountryProfile(code: string) {
  return useQuery({
    queryKey: ["member-states", "profile", code],
    queryFn: async () => unwrap(await api.GET("/api/countries/{code}/profile", { params: { path: { code } } })),
  });
}

export function useRepresentatives(country: string) {
  return useQuery({
    queryKey: ["member-states", "representatives", country],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/members/representatives", { params: { query: { country, active: true, limit: 50 } } }),
      ),
  });
}

export function useChangeStatus(code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, version, reason }: { action: Transition; version: number; reason: string }) => {
      const params = { path: { code }, header: { "If-Match": `"${version}"` } };
      switch (action) {
        case "admit":
          return unwrap(await api.POST("/api/members/member-states/{code}/admit", { params }));
        case "reinstate":
          return unwrap(await api.POST("/api/members/member-states/{code}/reinstate", { params }));
        case "suspend":
          return unwrap(await api.POST("/api/members/member-states/{code}/suspend", { params, body: { reason } }));
        case "withdraw":
          return unwrap(await api.POST("/api/members/member-states/{code}/withdraw", { params, body: { reason } }));
      }
    },
    // Whatever the answer (a new state, or a conflict), show what the server now holds.
    onSettled: () => client.invalidateQueries({ queryKey: ["member-states"] }),
  });
}
