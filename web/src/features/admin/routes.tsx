// The administration pages, for the secretariat: users, integration clients, webhooks.
import { Navigate, type RouteObject } from "react-router";

import { ClientsPage } from "./ClientsPage";
import { UsersPage } from "./UsersPage";
import { WebhookPage } from "./WebhookPage";
import { WebhooksPage } from "./WebhooksPage";

export const adminRoutes: RouteObject[] = [
  { path: "admin", element: <Navigate to="/admin/users" replace /> },
  { path: "admin/users", element: <UsersPage /> },
  { path: "admin/clients", element: <ClientsPage /> },
  { path: "admin/webhooks", element: <WebhooksPage /> },
  { path: "admin/webhooks/:subscriptionId", element: <WebhookPage /> },
];
