// The app's pages. Each feature brings its own routes (features/<name>/routes.tsx); signing in
// comes first, and everything else is inside the signed-in layout.
import { useTranslation } from "react-i18next";
import { createBrowserRouter, RouterProvider, type RouteObject } from "react-router";

import { AuthProvider, useAuth } from "./auth/AuthProvider";
import { SignInPage } from "./auth/SignInPage";
import { adminRoutes } from "./features/admin/routes";
import { agreementsRoutes } from "./features/agreements/routes";
import { dashboardRoutes } from "./features/dashboard/routes";
import { directoryRoutes } from "./features/directory/routes";
import { memberStatesRoutes } from "./features/member-states/routes";
import { roadmapRoutes } from "./features/roadmap/routes";
import { Layout } from "./layout/Layout";

function NotFound() {
  const { t } = useTranslation();
  return <h1>{t("common.notFound")}</h1>;
}

const pages: RouteObject[] = [
  ...dashboardRoutes,
  ...memberStatesRoutes,
  ...directoryRoutes,
  ...agreementsRoutes,
  ...roadmapRoutes,
  ...adminRoutes,
  { path: "*", element: <NotFound /> },
];

const router = createBrowserRouter([{ element: <Layout />, children: pages }]);

function Gate() {
  const { status } = useAuth();
  const { t } = useTranslation();
  if (status === "checking") return <p className="loading">{t("common.loading")}</p>;
  if (status === "signed-out") return <SignInPage />;
  return <RouterProvider router={router} />;
}

export function App() {
  return (
    <AuthProvider>
      <Gate />
    </AuthProvider>
  );
}
