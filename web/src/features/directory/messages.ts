// Texts of the directory pages (namespace "directory"), in the three languages; the same keys in each.
const es = {
  title: "directory",
};

type Messages = typeof es;

const pt: Messages = {
  title: "directory",
};

const en: Messages = {
  title: "directory",
};

export const directoryMessages = { es, pt, en };
