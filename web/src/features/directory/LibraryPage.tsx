// One library of the directory: its description, its history of changes, and, for the secretariat
// or the representative of its country, a form that replaces the description. The form keeps the
// version it was opened at and sends it as If-Match, so a change made meanwhile by someone else is
// reported (and can be loaded) instead of being overwritten.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { Problem } from "../../api/problem";
import { useAuth } from "../../auth/AuthProvider";
import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import {
  CAPABILITIES,
  LIBRARY_STATUSES,
  LIBRARY_TYPES,
  useLibrary,
  useLibraryHistory,
  useUpdateLibrary,
  type Capability,
  type Library,
  type LibraryChange,
  type LibraryFields,
  type LibraryStatus,
  type LibraryType,
} from "./queries";
import "./directory.css";

/** The describable fields, with the text that names each (in the form, its errors and the history). */
const FIELD_LABELS: Record<keyof LibraryFields, string> = {
  name: "library.name",
  isil: "library.isil",
  national_id: "library.nationalId",
  type: "type",
  admin_levels: "library.levels",
  address: "library.address",
  coordinates: "library.coordinates",
  status: "status",
  capabilities: "library.capabilities",
};
const DESCRIBED = Object.keys(FIELD_LABELS) as (keyof LibraryFields)[];

// "closed" is not an edit: closing a library is its own act, with a reason (the service refuses it here).
const EDITABLE_STATUSES = LIBRARY_STATUSES.filter((s) => s !== "closed");

/** Coordinates need more decimals than the locale's default three (a metre is about 0.00001°). */
function useCoordinate() {
  const { locale } = useFormat();
  const format = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
  return (degrees: number) => format.format(degrees);
}

function LibraryFacts({ library }: { library: Library }) {
  const { t } = useTranslation("directory");
  const format = useFormat();
  const coordinate = useCoordinate();
  const capabilities = library.capabilities ?? [];
  const levels = library.admin_levels ?? [];
  return (
    <dl className="library-facts">
      <dt>{t("country")}</dt>
      <dd>{format.country(library.country)}</dd>
      <dt>{t("library.isil")}</dt>
      <dd>{library.isil || "—"}</dd>
      <dt>{t("library.nationalId")}</dt>
      <dd>{library.national_id || "—"}</dd>
      <dt>{t("type")}</dt>
      <dd>{t(`types.${library.type}`)}</dd>
      <dt>{t("library.levels")}</dt>
      <dd>{levels.length > 0 ? levels.join(" › ") : library.admin_area || "—"}</dd>
      <dt>{t("library.address")}</dt>
      <dd>{library.address || "—"}</dd>
      <dt>{t("library.coordinates")}</dt>
      <dd>
        {library.coordinates
          ? `${t("library.latitude")} ${coordinate(library.coordinates.latitude)} · ${t("library.longitude")} ${coordinate(library.coordinates.longitude)}`
          : "—"}
      </dd>
      <dt>{t("status")}</dt>
      <dd>
        <span className="badge">{t(`statuses.${library.status}`)}</span>
      </dd>
      <dt>{t("library.capabilities")}</dt>
      <dd>
        {capabilities.length > 0 ? (
          <ul className="library-capabilities">
            {capabilities.map((c) => (
              <li key={c}>{t(`capabilities.${c}`)}</li>
            ))}
          </ul>
        ) : (
          t("library.noCapabilities")
        )}
      </dd>
      <dt>{t("library.version")}</dt>
      <dd>{format.number(library.version)}</dd>
      <dt>{t("library.updated")}</dt>
      <dd>{format.dateTime(library.updated_at)}</dd>
    </dl>
  );
}

/** The fields a change touched, from the state it left and the one before. */
function changedFields(entry: LibraryChange, before: LibraryChange | undefined): (keyof LibraryFields)[] {
  if (!before) return [];
  return DESCRIBED.filter((field) => JSON.stringify(entry.state[field] ?? null) !== JSON.stringify(before.state[field] ?? null));
}

function LibraryHistory({ libraryId }: { libraryId: string }) {
  const { t } = useTranslation("directory");
  const format = useFormat();
  const history = useLibraryHistory(libraryId);
  const entries = history.data ?? [];
  return (
    <section aria-labelledby="library-history-heading">
      <h2 id="library-history-heading">{t("library.history")}</h2>
      <ProblemMessage error={history.error} />
      {history.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {history.data && entries.length === 0 ? <p className="muted">{t("common:common.none")}</p> : null}
      <ol className="feed">
        {/* The service keeps them in order; the newest is what a reader looks for first. */}
        {entries
          .map((entry, i) => ({ entry, changed: changedFields(entry, entries[i - 1]) }))
          .reverse()
          .map(({ entry, changed }) => (
            <li key={`${entry.version}-${entry.action}-${entry.occurred_at}`}>
              <strong>
                {t("library.change", {
                  action: t(`dashboard:events.library.${entry.action}`, { defaultValue: entry.action }),
                  version: format.number(entry.version),
                })}
              </strong>
              {changed.length > 0 ? (
                <>
                  <br />
                  {t("library.changed", { fields: changed.map((f) => t(FIELD_LABELS[f])).join(", ") })}
                </>
              ) : null}
              <br />
              <span className="muted">{t("library.by", { who: entry.actor, when: format.dateTime(entry.occurred_at) })}</span>
            </li>
          ))}
      </ol>
    </section>
  );
}

type Draft = {
  name: string;
  isil: string;
  nationalId: string;
  type: LibraryType;
  status: LibraryStatus;
  levels: string;
  address: string;
  latitude: string;
  longitude: string;
  capabilities: Capability[];
};

function draftOf(library: Library): Draft {
  return {
    name: library.name,
    isil: library.isil ?? "",
    nationalId: library.national_id ?? "",
    type: library.type,
    status: library.status,
    levels: (library.admin_levels ?? []).join("\n"),
    address: library.address ?? "",
    latitude: library.coordinates ? String(library.coordinates.latitude) : "",
    longitude: library.coordinates ? String(library.coordinates.longitude) : "",
    capabilities: library.capabilities ?? [],
  };
}

/** An empty text box means "not known", which the service records as null. */
function optional(text: string): string | null {
  return text.trim() || null;
}

/** The description the form says, as the service takes it; `null` when the coordinates are half given. */
function fieldsOf(draft: Draft): LibraryFields | null {
  const latitude = draft.latitude.trim();
  const longitude = draft.longitude.trim();
  if ((latitude === "") !== (longitude === "")) return null;
  return {
    name: draft.name.trim(),
    isil: optional(draft.isil),
    national_id: optional(draft.nationalId),
    type: draft.type,
    status: draft.status,
    admin_levels: draft.levels
      .split("\n")
      .map((level) => level.trim())
      .filter(Boolean),
    address: optional(draft.address),
    coordinates: latitude === "" ? null : { latitude: Number(latitude), longitude: Number(longitude) },
    capabilities: CAPABILITIES.filter((c) => draft.capabilities.includes(c)),
  };
}

/** Each invalid field of a refused save, by its top-level name ("" for the description as a whole). */
function invalidFields(error: unknown): { field: string; message: string }[] {
  if (!(error instanceof Problem) || error.code !== "validation_failed") return [];
  return (error.body.errors ?? []).map((e) => ({
    field: (e.location ?? []).filter((part) => part !== "body")[0] ?? "",
    message: e.message ?? "",
  }));
}

function EditLibrary({
  library,
  onSaved,
  onCancel,
  onReload,
}: {
  library: Library;
  onSaved: () => void;
  onCancel: () => void;
  onReload: () => void;
}) {
  const { t } = useTranslation("directory");
  const [draft, setDraft] = useState(() => draftOf(library));
  const [halfCoordinates, setHalfCoordinates] = useState(false);
  const update = useUpdateLibrary(library);
  const nameField = useRef<HTMLInputElement>(null);
  useEffect(() => nameField.current?.focus(), []);

  const errors = invalidFields(update.error);
  const invalid = new Set(errors.map((e) => e.field));
  const stale = update.error instanceof Problem && update.error.code === "version_mismatch";
  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  // The inputs a refused save points at are marked, and described by the message that says why.
  const check = (field: keyof LibraryFields, help?: string) => ({
    "aria-invalid": invalid.has(field) || undefined,
    "aria-describedby": [help, invalid.has(field) ? "library-edit-problem" : undefined].filter(Boolean).join(" ") || undefined,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const fields = fieldsOf(draft);
    setHalfCoordinates(fields === null);
    if (fields === null) return;
    update.mutate(fields, { onSuccess: onSaved });
  };

  const toggle = (capability: Capability, on: boolean) =>
    set("capabilities")(on ? [...draft.capabilities, capability] : draft.capabilities.filter((c) => c !== capability));

  return (
    <form className="card library-edit" onSubmit={submit} aria-labelledby="library-edit-heading" noValidate>
      <h2 id="library-edit-heading">{t("library.editHeading")}</h2>

      <label htmlFor="library-name">{t("library.name")}</label>
      <input
        id="library-name"
        ref={nameField}
        type="text"
        required
        maxLength={300}
        value={draft.name}
        onChange={(e) => set("name")(e.target.value)}
        {...check("name")}
      />

      <div className="library-edit__pair">
        <div>
          <label htmlFor="library-isil">{t("library.isil")}</label>
          <input
            id="library-isil"
            type="text"
            maxLength={16}
            value={draft.isil}
            onChange={(e) => set("isil")(e.target.value)}
            {...check("isil", "library-identity-help")}
          />
        </div>
        <div>
          <label htmlFor="library-national-id">{t("library.nationalId")}</label>
          <input
            id="library-national-id"
            type="text"
            maxLength={50}
            value={draft.nationalId}
            onChange={(e) => set("nationalId")(e.target.value)}
            {...check("national_id", "library-identity-help")}
          />
        </div>
      </div>
      <p id="library-identity-help" className="muted">
        {t("library.identityHelp")}
      </p>

      <div className="library-edit__pair">
        <div>
          <label htmlFor="library-type">{t("type")}</label>
          <select id="library-type" value={draft.type} onChange={(e) => set("type")(e.target.value as LibraryType)}>
            {LIBRARY_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`types.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="library-status">{t("status")}</label>
          <select
            id="library-status"
            value={draft.status}
            onChange={(e) => set("status")(e.target.value as LibraryStatus)}
          >
            {EDITABLE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`statuses.${status}`)}
              </option>
            ))}
          </select>
        </div>
      </div>

      <label htmlFor="library-levels">{t("library.levels")}</label>
      <textarea
        id="library-levels"
        rows={4}
        value={draft.levels}
        onChange={(e) => set("levels")(e.target.value)}
        {...check("admin_levels", "library-levels-help")}
      />
      <p id="library-levels-help" className="muted">
        {t("library.levelsHelp")}
      </p>

      <label htmlFor="library-address">{t("library.address")}</label>
      <input
        id="library-address"
        type="text"
        maxLength={500}
        value={draft.address}
        onChange={(e) => set("address")(e.target.value)}
        {...check("address")}
      />

      <fieldset aria-describedby="library-coordinates-help">
        <legend>{t("library.coordinates")}</legend>
        <div className="library-edit__pair">
          <div>
            <label htmlFor="library-latitude">{t("library.latitude")}</label>
            <input
              id="library-latitude"
              type="number"
              step="any"
              min={-90}
              max={90}
              value={draft.latitude}
              onChange={(e) => set("latitude")(e.target.value)}
              {...(halfCoordinates ? { "aria-invalid": true, "aria-describedby": "library-edit-problem" } : check("coordinates"))}
            />
          </div>
          <div>
            <label htmlFor="library-longitude">{t("library.longitude")}</label>
            <input
              id="library-longitude"
              type="number"
              step="any"
              min={-180}
              max={180}
              value={draft.longitude}
              onChange={(e) => set("longitude")(e.target.value)}
              {...(halfCoordinates ? { "aria-invalid": true, "aria-describedby": "library-edit-problem" } : check("coordinates"))}
            />
          </div>
        </div>
        <p id="library-coordinates-help" className="muted">
          {t("library.coordinatesHelp")}
        </p>
      </fieldset>

      <fieldset>
        <legend>{t("library.capabilities")}</legend>
        {CAPABILITIES.map((capability) => (
          <label key={capability} className="library-edit__check">
            <input
              type="checkbox"
              checked={draft.capabilities.includes(capability)}
              onChange={(e) => toggle(capability, e.target.checked)}
            />{" "}
            {t(`capabilities.${capability}`)}
          </label>
        ))}
      </fieldset>

      <div id="library-edit-problem">
        {halfCoordinates ? (
          <p role="alert" className="problem">
            {t("library.coordinatesBoth")}
          </p>
        ) : errors.length > 0 ? (
          <p role="alert" className="problem">
            {t("common:problems.validation_failed", {
              fields: errors
                .map((e) => (e.field in FIELD_LABELS ? `${t(FIELD_LABELS[e.field as keyof LibraryFields])}: ${e.message}` : e.message))
                .join("; "),
            })}
          </p>
        ) : (
          <ProblemMessage error={update.error} />
        )}
      </div>
      {stale ? (
        <p>
          <button type="button" onClick={onReload}>
            {t("library.reload")}
          </button>
        </p>
      ) : null}

      <div className="toolbar library-edit__actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          {t("common:common.save")}
        </button>
        <button type="button" onClick={onCancel}>
          {t("common:common.cancel")}
        </button>
      </div>
    </form>
  );
}

export function LibraryPage() {
  const { libraryId = "" } = useParams();
  const { t } = useTranslation("directory");
  const { mayEditCountry } = useAuth();
  const library = useLibrary(libraryId);
  const data = library.data;
  // The version being edited, as it was when the form opened (or was reloaded).
  const [editing, setEditing] = useState<Library | null>(null);
  const [notice, setNotice] = useState<{ text: string } | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  useEffect(() => {
    // Back from the form (saved or cancelled), the keyboard is where the person left off.
    if (wasEditing.current && editing === null) editButton.current?.focus();
    wasEditing.current = editing !== null;
  }, [editing]);

  const reload = async () => {
    const current = await library.refetch();
    if (current.data) {
      setEditing(current.data);
      setNotice({ text: t("library.reloaded", { version: current.data.version }) });
    }
  };

  const editable = data !== undefined && mayEditCountry(data.country);

  return (
    <>
      <p>
        <Link to="/libraries">{t("library.back")}</Link>
      </p>
      <h1>{data?.name ?? t("library.heading")}</h1>
      <ProblemMessage error={library.error} />
      {library.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {data ? (
        <>
          <LibraryFacts library={data} />
          {editable && data.status === "closed" ? <p className="muted">{t("library.closedNote")}</p> : null}
          {editable && data.status !== "closed" && editing === null ? (
            <p>
              <button
                type="button"
                ref={editButton}
                onClick={() => {
                  setNotice(null);
                  setEditing(data);
                }}
              >
                {t("common:common.edit")}
              </button>
            </p>
          ) : null}
          <div role="status">{notice ? <p className="notice">{notice.text}</p> : null}</div>
          {editing ? (
            <EditLibrary
              key={editing.version}
              library={editing}
              onSaved={() => {
                setEditing(null);
                setNotice({ text: t("library.saved") });
              }}
              onCancel={() => setEditing(null)}
              onReload={() => void reload()}
            />
          ) : null}
          <LibraryHistory libraryId={libraryId} />
        </>
      ) : null}
    </>
  );
}
