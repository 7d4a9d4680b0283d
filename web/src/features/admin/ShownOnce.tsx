// A secret the gateway shows only in the answer that made it (a client's API key, a webhook's
// signing secret): in a read-only field with a copy button, and the warning that it will not be
// shown again. Dismissing it forgets it; nothing else in the interface keeps it.
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

export function ShownOnce({
  heading,
  label,
  value,
  onDismiss,
  level = 2,
}: {
  heading: string;
  /** 3 where it appears inside a section that has its own h2. */
  level?: 2 | 3;
  label: string;
  value: string;
  onDismiss: () => void;
}) {
  const { t } = useTranslation("admin");
  const id = useId();
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const Heading = level === 3 ? "h3" : "h2";
  const headingRef = useRef<HTMLHeadingElement>(null);
  // It appears after a form is sent: the focus moves to it, so no one misses the one chance.
  useEffect(() => headingRef.current?.focus(), []);

  const copyValue = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopy("copied");
    } catch {
      // No clipboard (an insecure page, a refused permission): the field can still be selected.
      setCopy("failed");
    }
  };

  return (
    <section className="card shown-once" aria-labelledby={`${id}-heading`}>
      <Heading id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        {heading}
      </Heading>
      <p id={`${id}-warning`} className="shown-once__warning">
        {t("shownOnce.warning")}
      </p>
      <label htmlFor={`${id}-value`}>{label}</label>
      <div className="shown-once__value">
        <input
          id={`${id}-value`}
          type="text"
          readOnly
          value={value}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={`${id}-warning`}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={() => void copyValue()}>
          {t("shownOnce.copy")}
        </button>
      </div>
      <p role="status">
        {copy === "copied" ? t("shownOnce.copied") : copy === "failed" ? t("shownOnce.copyFailed") : ""}
      </p>
      <p>
        <button type="button" className="primary" onClick={onDismiss}>
          {t("shownOnce.dismiss")}
        </button>
      </p>
    </section>
  );
}
