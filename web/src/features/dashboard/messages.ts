// Texts of the dashboard pages (namespace "dashboard"), in the three languages; the same keys in each.
const es = {
  title: "dashboard",
};

type Messages = typeof es;

const pt: Messages = {
  title: "dashboard",
};

const en: Messages = {
  title: "dashboard",
};

export const dashboardMessages = { es, pt, en };
