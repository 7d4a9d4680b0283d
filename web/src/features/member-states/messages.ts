// Texts of the member-states pages (namespace "memberStates"), in the three languages; the same keys in each.
const es = {
  title: "member-states",
};

type Messages = typeof es;

const pt: Messages = {
  title: "member-states",
};

const en: Messages = {
  title: "member-states",
};

export const memberStatesMessages = { es, pt, en };
