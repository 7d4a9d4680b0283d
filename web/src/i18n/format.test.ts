// Dates in the interface's language, and calendar days shown as the day they name wherever the
// browser is: a due date of 1 March is 1 March in Lima too, not 28 February.
import { renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { useFormat } from "./format";
import i18n from "./i18n";

describe("useFormat", () => {
  const zone = process.env.TZ;
  beforeEach(() => {
    process.env.TZ = "America/Lima"; // UTC-5: midnight UTC is the evening before
  });
  afterEach(async () => {
    process.env.TZ = zone;
    await i18n.changeLanguage("es");
  });

  it("shows a calendar day as that day, west of UTC", async () => {
    await i18n.changeLanguage("es");
    const { result } = renderHook(() => useFormat());
    expect(result.current.date("2026-03-01")).toBe("1 mar 2026");
  });

  it("shows an instant in the browser's time zone", async () => {
    await i18n.changeLanguage("en");
    const { result } = renderHook(() => useFormat());
    expect(result.current.date("2026-03-01T02:00:00Z")).toBe("Feb 28, 2026");
    expect(result.current.number(12000)).toBe("12,000");
  });
});
