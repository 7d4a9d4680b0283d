// A wide table on a narrow screen scrolls sideways inside its frame. The frame can take the focus
// and has a name, so someone on a keyboard can scroll it too and hears what it holds (WCAG 2.1.1).
import type { CSSProperties, ReactNode } from "react";

export function TableScroll({ label, style, children }: { label: string; style?: CSSProperties; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0} style={style}>
      {children}
    </div>
  );
}
