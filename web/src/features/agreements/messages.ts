// Texts of the agreements pages (namespace "agreements"), in the three languages; the same keys in each.
const es = {
  title: "agreements",
};

type Messages = typeof es;

const pt: Messages = {
  title: "agreements",
};

const en: Messages = {
  title: "agreements",
};

export const agreementsMessages = { es, pt, en };
