// Creating a user account and changing one. Both ask what the person may do: roles, the country
// a national representative acts for, the working groups of a coordinator or member — the rules
// the gateway applies, checked here first so the form can say what is missing in words.
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../../i18n/format";
import { useStateName } from "../member-states/MemberStatesPage";
import { useMemberStates } from "../member-states/queries";
import { useGroups } from "../roadmap/queries";
import { AdminProblem } from "./AdminProblem";
import { GROUP_ROLES, USER_ROLES, useCreateUser, useUpdateUser, type Role, type User } from "./queries";

/** What an account may do, as the form holds it (an empty country: none). */
type Access = { roles: Role[]; country: string; working_groups: string[] };

const representsCountry = (access: Access) => access.roles.includes("representative");
const actsForGroups = (access: Access) => access.roles.some((r) => GROUP_ROLES.includes(r));

/** The message key of the first rule the access breaks, or null. */
function missingInAccess(access: Access): string | null {
  if (access.roles.length === 0) return "users.needsRole";
  if (representsCountry(access) && !access.country) return "users.needsCountry";
  if (actsForGroups(access) && access.working_groups.length === 0) return "users.needsGroup";
  return null;
}

/** The access as the API takes it: a country only for a representative, groups only for group roles. */
function accessFields(access: Access) {
  return {
    roles: access.roles,
    country: representsCountry(access) ? access.country : null,
    working_groups: actsForGroups(access) ? access.working_groups : [],
  };
}

function toggled<T>(list: T[], item: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
}

function AccessFields({ access, onChange }: { access: Access; onChange: (access: Access) => void }) {
  const { t } = useTranslation("admin");
  const id = useId();
  const format = useFormat();
  const stateName = useStateName();
  const states = useMemberStates();
  const groups = useGroups();
  const countries = [...(states.data ?? [])].sort((a, b) => stateName(a).localeCompare(stateName(b), format.locale));
  const known = new Set((groups.data ?? []).map((g) => g.id));
  // A group the account names that the roadmap no longer lists stays choosable, so it is not lost.
  const groupOptions = [
    ...(groups.data ?? []).map((g) => ({ id: g.id, name: g.name })),
    ...access.working_groups.filter((g) => !known.has(g)).map((g) => ({ id: g, name: g })),
  ];

  return (
    <>
      <fieldset className="admin-choices">
        <legend>{t("users.roles")}</legend>
        <div className="admin-choices__options">
          {USER_ROLES.map((role) => (
            <label key={role}>
              <input
                type="checkbox"
                checked={access.roles.includes(role)}
                onChange={(e) => onChange({ ...access, roles: toggled(access.roles, role, e.target.checked) })}
              />
              <span>{t(`common:roles.${role}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {representsCountry(access) ? (
        <>
          <label htmlFor={`${id}-country`}>{t("users.country")}</label>
          <select
            id={`${id}-country`}
            required
            value={access.country}
            aria-describedby={`${id}-country-help`}
            onChange={(e) => onChange({ ...access, country: e.target.value })}
          >
            <option value="">{t("users.chooseCountry")}</option>
            {countries.map((state) => (
              <option key={state.code} value={state.code}>
                {stateName(state)} ({state.code})
              </option>
            ))}
            {access.country && !countries.some((s) => s.code === access.country) ? (
              <option value={access.country}>{access.country}</option>
            ) : null}
          </select>
          <p id={`${id}-country-help`} className="muted admin-help">
            {t("users.countryHelp")}
          </p>
        </>
      ) : null}
      {actsForGroups(access) ? (
        <fieldset className="admin-choices">
          <legend>{t("users.workingGroups")}</legend>
          {groupOptions.length === 0 ? <p className="muted admin-help">{t("users.noGroups")}</p> : null}
          <div className="admin-choices__options">
            {groupOptions.map((group) => (
              <label key={group.id}>
                <input
                  type="checkbox"
                  checked={access.working_groups.includes(group.id)}
                  onChange={(e) =>
                    onChange({ ...access, working_groups: toggled(access.working_groups, group.id, e.target.checked) })
                  }
                />
                <span>{group.name}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
    </>
  );
}

const NO_ACCESS: Access = { roles: [], country: "", working_groups: [] };

export function NewUserForm() {
  const { t } = useTranslation("admin");
  const id = useId();
  const create = useCreateUser();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [access, setAccess] = useState<Access>(NO_ACCESS);
  const [missing, setMissing] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const broken = password.length < 12 ? "users.passwordTooShort" : missingInAccess(access);
    setMissing(broken);
    if (broken) return;
    create.mutate(
      { email: email.trim(), display_name: name.trim(), password, active: true, ...accessFields(access) },
      {
        onSuccess: () => {
          setEmail("");
          setName("");
          setPassword("");
          setAccess(NO_ACCESS);
        },
      },
    );
  };

  return (
    <form className="card admin-form" aria-labelledby={`${id}-heading`} onSubmit={submit}>
      <h2 id={`${id}-heading`}>{t("users.create")}</h2>
      <label htmlFor={`${id}-email`}>{t("users.email")}</label>
      <input
        id={`${id}-email`}
        type="email"
        required
        autoComplete="off"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <label htmlFor={`${id}-name`}>{t("users.name")}</label>
      <input
        id={`${id}-name`}
        type="text"
        required
        minLength={2}
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <label htmlFor={`${id}-password`}>{t("users.password")}</label>
      <input
        id={`${id}-password`}
        type="password"
        required
        minLength={12}
        maxLength={200}
        autoComplete="new-password"
        aria-describedby={`${id}-password-help`}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <p id={`${id}-password-help`} className="muted admin-help">
        {t("users.passwordHelp")}
      </p>
      <AccessFields access={access} onChange={setAccess} />
      <div className="admin-actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t("users.createSubmit")}
        </button>
      </div>
      {missing ? (
        <p role="alert" className="problem">
          {t(missing)}
        </p>
      ) : null}
      <AdminProblem error={create.error} />
      <div role="status">
        {create.isSuccess ? <p className="notice">{t("users.created", { email: create.data.email })}</p> : null}
      </div>
    </form>
  );
}

export function EditUserForm({
  user,
  onDone,
  onCancel,
}: {
  user: User;
  onDone: (user: User) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation("admin");
  const id = useId();
  const update = useUpdateUser();
  const [name, setName] = useState(user.display_name);
  const [active, setActive] = useState(user.active);
  const [access, setAccess] = useState<Access>({
    roles: user.roles.filter((r) => USER_ROLES.includes(r)),
    country: user.country ?? "",
    working_groups: user.working_groups,
  });
  const [missing, setMissing] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from a row's button: the keyboard lands on the form, not back at the top of the page.
  useEffect(() => heading.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const broken = missingInAccess(access);
    setMissing(broken);
    if (broken) return;
    // A PUT replaces the whole account description, so the name goes too; the version read with
    // the list goes as If-Match, and a change someone made meanwhile is reported, not overwritten.
    update.mutate(
      { user, fields: { display_name: name.trim(), active, ...accessFields(access) } },
      { onSuccess: onDone },
    );
  };

  return (
    <form className="card admin-form" aria-labelledby={`${id}-heading`} onSubmit={submit}>
      <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        {t("users.editHeading", { name: user.display_name })}
      </h2>
      <p className="muted">{user.email}</p>
      <label htmlFor={`${id}-name`}>{t("users.name")}</label>
      <input
        id={`${id}-name`}
        type="text"
        required
        minLength={2}
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <AccessFields access={access} onChange={setAccess} />
      <label className="admin-check">
        <input
          type="checkbox"
          checked={active}
          aria-describedby={`${id}-active-help`}
          onChange={(e) => setActive(e.target.checked)}
        />
        <span>{t("users.activeLabel")}</span>
      </label>
      <p id={`${id}-active-help`} className="muted admin-help">
        {t("users.activeHelp")}
      </p>
      <div className="admin-actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          {t("common:common.save")}
        </button>
        <button type="button" onClick={onCancel}>
          {t("common:common.cancel")}
        </button>
      </div>
      {missing ? (
        <p role="alert" className="problem">
          {t(missing)}
        </p>
      ) : null}
      <AdminProblem error={update.error} />
    </form>
  );
}
