// The member states at a glance: one bar per member state for the libraries in its directory,
// with its membership status written beside it (never told by colour alone). A table with the
// same figures is one click away for screen readers and for copying.
import { useTranslation } from "react-i18next";

import { useFormat } from "../../i18n/format";
import { TableScroll } from "../../layout/TableScroll";
import type { MemberState } from "../member-states/queries";

const ROW = 26;
// Room for the longest name in the three languages ("República Dominicana", "Dominican Republic").
const LABEL_WIDTH = 175;
const BAR_WIDTH = 235;
const WIDTH = LABEL_WIDTH + BAR_WIDTH + 190;

export function MemberStatesChart({
  memberStates,
  librariesByCountry,
}: {
  memberStates: MemberState[];
  librariesByCountry: Record<string, number>;
}) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const rows = memberStates
    .map((state) => ({
      code: state.code,
      name: format.country(state.code),
      status: state.status,
      libraries: librariesByCountry[state.code] ?? 0,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, format.locale));
  const most = Math.max(1, ...rows.map((row) => row.libraries));
  const height = rows.length * ROW + 8;
  return (
    <figure className="card" style={{ margin: 0 }}>
      <h2 id="chart-heading">{t("chart.heading")}</h2>
      <TableScroll label={t("chart.heading")} style={{ border: "none" }}>
        <svg
          role="img"
          aria-labelledby="chart-heading chart-description"
          viewBox={`0 0 ${WIDTH} ${height}`}
          width="100%"
          style={{ minWidth: 480, maxWidth: WIDTH }}
        >
          <desc id="chart-description">{t("chart.description")}</desc>
          {rows.map((row, index) => {
            const y = index * ROW + 4;
            const width = Math.round((row.libraries / most) * BAR_WIDTH);
            return (
              <g key={row.code} data-country={row.code}>
                <text x={LABEL_WIDTH - 8} y={y + 16} textAnchor="end" fontSize="13" fill="#1b2430">
                  {row.name}
                </text>
                <rect
                  x={LABEL_WIDTH}
                  y={y + 3}
                  width={Math.max(width, 2)}
                  height={ROW - 8}
                  rx="3"
                  fill={row.status === "active" ? "#0b5cad" : "#8a4b00"}
                />
                <text x={LABEL_WIDTH + Math.max(width, 2) + 6} y={y + 16} fontSize="12" fill="#4a5566">
                  {t("chart.libraries", { count: row.libraries, figure: format.number(row.libraries) })}
                  {" · "}
                  {t(`memberStatus.${row.status}`)}
                </text>
              </g>
            );
          })}
        </svg>
      </TableScroll>
      <details>
        <summary>{t("chart.table")}</summary>
        <TableScroll label={t("chart.heading")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("chart.country")}</th>
                <th scope="col">{t("chart.status")}</th>
                <th scope="col">{t("chart.libraryCount")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.code}>
                  <th scope="row">{row.name}</th>
                  <td>{t(`memberStatus.${row.status}`)}</td>
                  <td>{format.number(row.libraries)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </details>
    </figure>
  );
}
