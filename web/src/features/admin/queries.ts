// The gateway's own administration API for the secretariat: user accounts, integration clients
// and webhook subscriptions with their delivery log. Every change to a record sends the version it
// was read at (If-Match); redelivery and replay only queue deliveries, so the API asks none.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

export type User = components["schemas"]["UserPublic"];
export type UserFields = components["schemas"]["UserFields"];
export type NewUser = components["schemas"]["NewUser"];
export type Role = components["schemas"]["Role"];
export type Client = components["schemas"]["ClientPublic"];
export type NewClient = components["schemas"]["NewClient"];
export type Scope = components["schemas"]["Scope"];
export type Subscription = components["schemas"]["SubscriptionPublic"];
export type NewSubscription = components["schemas"]["SubscriptionFields"];
export type Delivery = components["schemas"]["DeliveryPublic"];
export type DeliveryStatus = components["schemas"]["DeliveryStatus"];

/** The roles a person's account may have; `integration` belongs to clients, never to users. */
export const USER_ROLES: Role[] = ["secretariat", "representative", "wg_coordinator", "wg_member", "observer"];
/** Roles that act for one or more working groups, so the account must name at least one. */
export const GROUP_ROLES: Role[] = ["wg_coordinator", "wg_member"];
export const SCOPES: Scope[] = ["read", "subscribe"];
export const DELIVERY_STATUSES: DeliveryStatus[] = ["pending", "delivered", "failed"];
/** Deliveries per page of the log (the API allows up to 200). */
export const DELIVERIES_PER_PAGE = 25;

const ifMatch = (version: number) => ({ "If-Match": `"${version}"` });

// -- users -----------------------------------------------------------------------------------

export function useUsers() {
  return useQuery({
    queryKey: ["admin", "users"],
    queryFn: async () => unwrap(await api.GET("/api/users")),
  });
}

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewUser) => unwrap(await api.POST("/api/users", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "users"] }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ user, fields }: { user: User; fields: UserFields }) =>
      unwrap(
        await api.PUT("/api/users/{user_id}", {
          params: { path: { user_id: user.id }, header: ifMatch(user.version) },
          body: fields,
        }),
      ),
    // A conflict too: the list then shows what the account now is.
    onSettled: () => client.invalidateQueries({ queryKey: ["admin", "users"] }),
  });
}

// -- integration clients ---------------------------------------------------------------------

export function useClients() {
  return useQuery({
    queryKey: ["admin", "clients"],
    queryFn: async () => unwrap(await api.GET("/api/clients")),
  });
}

/** The answer carries the API key this once. It stays in the mutation's result only (never in
 *  the query cache), so clearing the mutation forgets it. */
export function useCreateClient() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewClient) => unwrap(await api.POST("/api/clients", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "clients"] }),
  });
}

export function useRevokeClient() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (revoked: Client) =>
      unwrap(
        await api.POST("/api/clients/{client_id}/revoke", {
          params: { path: { client_id: revoked.id }, header: ifMatch(revoked.version) },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: ["admin", "clients"] }),
  });
}

// -- webhook subscriptions -------------------------------------------------------------------

export function useSubscriptions() {
  return useQuery({
    queryKey: ["admin", "webhooks"],
    queryFn: async () => unwrap(await api.GET("/api/webhooks/subscriptions")),
  });
}

export function useSubscription(subscriptionId: string) {
  return useQuery({
    queryKey: ["admin", "webhooks", subscriptionId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/webhooks/subscriptions/{subscription_id}", {
          params: { path: { subscription_id: subscriptionId } },
        }),
      ),
  });
}

export function useSubscriptionHistory(subscriptionId: string) {
  return useQuery({
    queryKey: ["admin", "webhooks", subscriptionId, "history"],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/webhooks/subscriptions/{subscription_id}/history", {
          params: { path: { subscription_id: subscriptionId } },
        }),
      ),
  });
}

/** The answer carries the signing secret this once; as with a client's key, it is kept nowhere else. */
export function useCreateSubscription() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewSubscription) => unwrap(await api.POST("/api/webhooks/subscriptions", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "webhooks"] }),
  });
}

/** Enable or disable: stopping keeps queuing the subscription's events; enabling sends that backlog. */
export function useSwitchSubscription() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ subscription, enable }: { subscription: Subscription; enable: boolean }) => {
      const params = { path: { subscription_id: subscription.id }, header: ifMatch(subscription.version) };
      return enable
        ? unwrap(await api.POST("/api/webhooks/subscriptions/{subscription_id}/enable", { params }))
        : unwrap(await api.POST("/api/webhooks/subscriptions/{subscription_id}/disable", { params }));
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["admin", "webhooks"] }),
  });
}

export function useRotateSecret() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (subscription: Subscription) =>
      unwrap(
        await api.POST("/api/webhooks/subscriptions/{subscription_id}/rotate-secret", {
          params: { path: { subscription_id: subscription.id }, header: ifMatch(subscription.version) },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: ["admin", "webhooks"] }),
  });
}

/** One page of the delivery log, newest first; `cursor` is the one the previous page gave. */
export function useDeliveries(subscriptionId: string, status: DeliveryStatus | undefined, cursor: string | undefined) {
  return useQuery({
    queryKey: ["admin", "webhooks", subscriptionId, "deliveries", status ?? "all", cursor ?? "first"],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/webhooks/subscriptions/{subscription_id}/deliveries", {
          params: {
            path: { subscription_id: subscriptionId },
            query: { limit: DELIVERIES_PER_PAGE, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) },
          },
        }),
      ),
    // Turning a page keeps the rows shown until the next ones arrive.
    placeholderData: keepPreviousData,
  });
}

export function useRedeliver(subscriptionId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (delivery: Delivery) =>
      unwrap(
        await api.POST("/api/webhooks/subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver", {
          params: { path: { subscription_id: subscriptionId, delivery_id: delivery.id } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "webhooks", subscriptionId, "deliveries"] }),
  });
}

export function useReplay(subscriptionId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (since: string) =>
      unwrap(
        await api.POST("/api/webhooks/subscriptions/{subscription_id}/replay", {
          params: { path: { subscription_id: subscriptionId } },
          body: { since },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "webhooks", subscriptionId, "deliveries"] }),
  });
}
