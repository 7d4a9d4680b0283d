// The roadmap service through the gateway: roadmaps, working groups, a group's board, one action;
// and the transitions a card's move performs. Every change sends the version it was read at.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

export type ActionStatus = components["schemas"]["roadmap.ActionStatus"];
export type ActionSummary = components["schemas"]["roadmap.ActionSummary"];
export type Action = components["schemas"]["roadmap.ActionPublic"];
export type Group = components["schemas"]["roadmap.GroupPublic"];

export const COLUMNS: ActionStatus[] = ["proposed", "planned", "in_progress", "blocked", "done", "cancelled"];

type Endpoint = "plan" | "start" | "complete" | "block" | "unblock" | "cancel";
/** A move of a card: the column it lands in (`null`: back where it was, for an unblock). */
export type Move = { to: ActionStatus | null; endpoint: Endpoint; needsReason: boolean };

const block: Move = { to: "blocked", endpoint: "block", needsReason: true };
const cancel: Move = { to: "cancelled", endpoint: "cancel", needsReason: true };

/** The roadmap service's lifecycle: what each status may become. */
export const MOVES: Record<ActionStatus, Move[]> = {
  proposed: [{ to: "planned", endpoint: "plan", needsReason: false }, cancel],
  planned: [{ to: "in_progress", endpoint: "start", needsReason: false }, block, cancel],
  in_progress: [{ to: "done", endpoint: "complete", needsReason: false }, block, cancel],
  blocked: [{ to: null, endpoint: "unblock", needsReason: false }, cancel],
  done: [],
  cancelled: [],
};

/** The move that takes a card from its column to another one, if the lifecycle has one. */
export function moveBetween(from: ActionStatus, to: ActionStatus): Move | undefined {
  const moves = MOVES[from];
  // A blocked action goes back to where it was, whichever open column it is dropped on.
  if (from === "blocked" && to !== "blocked" && to !== "cancelled" && to !== "done") return moves[0];
  return moves.find((m) => m.to === to);
}

export function useRoadmaps() {
  return useQuery({
    queryKey: ["roadmap", "roadmaps"],
    queryFn: async () => unwrap(await api.GET("/api/roadmap/roadmaps")),
  });
}

export function useGroups() {
  return useQuery({
    queryKey: ["roadmap", "groups"],
    queryFn: async () => unwrap(await api.GET("/api/roadmap/working-groups")),
  });
}

export function useGroup(groupId: string) {
  return useQuery({
    queryKey: ["roadmap", "groups", groupId],
    queryFn: async () =>
      unwrap(await api.GET("/api/roadmap/working-groups/{group_id}", { params: { path: { group_id: groupId } } })),
  });
}

export function useBoard(groupId: string) {
  return useQuery({
    queryKey: ["roadmap", "board", groupId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/roadmap/working-groups/{group_id}/board", { params: { path: { group_id: groupId } } }),
      ),
  });
}

export function useAction(actionId: string) {
  return useQuery({
    queryKey: ["roadmap", "action", actionId],
    queryFn: async () =>
      unwrap(await api.GET("/api/roadmap/actions/{action_id}", { params: { path: { action_id: actionId } } })),
  });
}

export function useActionHistory(actionId: string) {
  return useQuery({
    queryKey: ["roadmap", "action", actionId, "history"],
    queryFn: async () =>
      unwrap(await api.GET("/api/roadmap/actions/{action_id}/history", { params: { path: { action_id: actionId } } })),
  });
}

function ifMatch(actionId: string, version: number) {
  return { path: { action_id: actionId }, header: { "If-Match": `"${version}"` } };
}

export function useMoveAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ card, move, reason }: { card: ActionSummary; move: Move; reason?: string }) => {
      const params = ifMatch(card.id, card.version);
      const body = { reason: reason ?? "" };
      switch (move.endpoint) {
        case "plan":
          return unwrap(await api.POST("/api/roadmap/actions/{action_id}/plan", { params }));
        case "start":
          return unwrap(await api.POST("/api/roadmap/actions/{action_id}/start", { params }));
        case "complete":
          return unwrap(await api.POST("/api/roadmap/actions/{action_id}/complete", { params }));
        case "unblock":
          return unwrap(await api.POST("/api/roadmap/actions/{action_id}/unblock", { params }));
        case "block":
          return unwrap(await api.POST("/api/roadmap/actions/{action_id}/block", { params, body }));
        case "cancel":
          return unwrap(await api.POST("/api/roadmap/actions/{action_id}/cancel", { params, body }));
      }
    },
    // Success or conflict, the board shows what the service now holds.
    onSettled: () => client.invalidateQueries({ queryKey: ["roadmap"] }),
  });
}

export function useReportProgress(action: Action) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (report: { comment: string; percent: number | null }) =>
      unwrap(
        await api.POST("/api/roadmap/actions/{action_id}/progress", {
          params: ifMatch(action.id, action.version),
          body: report,
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: ["roadmap", "action", action.id] }),
  });
}

export function useMilestoneReached(actionId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ number, version }: { number: number; version: number }) =>
      unwrap(
        await api.POST("/api/roadmap/actions/{action_id}/milestones/{number}/reached", {
          params: { path: { action_id: actionId, number }, header: { "If-Match": `"${version}"` } },
          body: {},
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: ["roadmap", "action", actionId] }),
  });
}
