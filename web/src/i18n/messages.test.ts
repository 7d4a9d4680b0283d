// Every text exists in all three languages: a key missing in one would show its raw name.
import { describe, expect, it } from "vitest";

import { namespaces } from "./namespaces";

function keys(node: unknown, prefix = ""): string[] {
  if (typeof node !== "object" || node === null) return [prefix];
  return Object.entries(node).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe.each(Object.entries(namespaces))("namespace %s", (_name, messages) => {
  it("has the same keys in es, pt and en", () => {
    const spanish = keys(messages.es).sort();
    expect(spanish.length).toBeGreaterThan(0);
    expect(keys(messages.pt).sort()).toEqual(spanish);
    expect(keys(messages.en).sort()).toEqual(spanish);
  });

  it("has no empty text", () => {
    for (const lang of ["es", "pt", "en"] as const) {
      const empty = keys(messages[lang]).filter((k) => {
        const value = k.split(".").reduce<unknown>((n, part) => (n as Record<string, unknown>)[part], messages[lang]);
        return typeof value !== "string" || value.trim() === "";
      });
      expect(empty, `${lang}: ${empty.join(", ")}`).toEqual([]);
    }
  });
});
