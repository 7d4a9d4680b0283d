// Texts of the admin pages (namespace "admin"), in the three languages; the same keys in each.
const es = {
  title: "admin",
};

type Messages = typeof es;

const pt: Messages = {
  title: "admin",
};

const en: Messages = {
  title: "admin",
};

export const adminMessages = { es, pt, en };
