// Every namespace of texts: the shell's, and one per feature (useTranslation("<namespace>")).
import type { ResourceLanguage } from "i18next";

import { adminMessages } from "../features/admin/messages";
import { agreementsMessages } from "../features/agreements/messages";
import { dashboardMessages } from "../features/dashboard/messages";
import { directoryMessages } from "../features/directory/messages";
import { memberStatesMessages } from "../features/member-states/messages";
import { roadmapMessages } from "../features/roadmap/messages";
import { common } from "./messages";

export type Messages = Record<"es" | "pt" | "en", ResourceLanguage>;

export const namespaces: Record<string, Messages> = {
  common,
  dashboard: dashboardMessages,
  memberStates: memberStatesMessages,
  directory: directoryMessages,
  agreements: agreementsMessages,
  roadmap: roadmapMessages,
  admin: adminMessages,
};
