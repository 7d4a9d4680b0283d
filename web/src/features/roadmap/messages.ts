// Texts of the roadmap pages (namespace "roadmap"), in the three languages; the same keys in each.
const es = {
  title: "roadmap",
};

type Messages = typeof es;

const pt: Messages = {
  title: "roadmap",
};

const en: Messages = {
  title: "roadmap",
};

export const roadmapMessages = { es, pt, en };
