// The platform's user accounts for the secretariat: who they are, their roles, the country and
// working groups they act for, whether they may sign in; a new account, and changes to one.
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { TableScroll } from "../../layout/TableScroll";
import { useGroups } from "../roadmap/queries";
import { AdminPage } from "./AdminPage";
import { useUsers, type User } from "./queries";
import { EditUserForm, NewUserForm } from "./UserForms";

function UserList({ onEdit }: { onEdit: (user: User) => void }) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const users = useUsers();
  const groups = useGroups();
  const groupName = (id: string) => groups.data?.find((g) => g.id === id)?.name ?? id;

  return (
    <>
      <ProblemMessage error={users.error} />
      {users.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {users.data && users.data.length === 0 ? <p className="muted">{t("common:common.none")}</p> : null}
      {users.data && users.data.length > 0 ? (
        // Focusable, so the keyboard can scroll the table sideways on a narrow screen.
        <TableScroll label={t("users.caption")}>
          <table>
            <caption className="visually-hidden">{t("users.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("users.email")}</th>
                <th scope="col">{t("users.name")}</th>
                <th scope="col">{t("users.roles")}</th>
                <th scope="col">{t("users.country")}</th>
                <th scope="col">{t("users.workingGroups")}</th>
                <th scope="col">{t("users.status")}</th>
                <th scope="col">{t("users.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <tr key={user.id}>
                  <th scope="row" className="admin-url">
                    {user.email}
                  </th>
                  <td>{user.display_name}</td>
                  <td>{user.roles.map((role) => t(`common:roles.${role}`)).join(", ")}</td>
                  <td>{user.country ? format.country(user.country) : "—"}</td>
                  <td>{user.working_groups.map(groupName).join(", ") || "—"}</td>
                  <td>
                    <span className={`badge ${user.active ? "admin-badge--on" : "admin-badge--off"}`}>
                      {user.active ? t("users.enabled") : t("users.disabled")}
                    </span>
                  </td>
                  <td>
                    <button type="button" onClick={() => onEdit(user)}>
                      {t("common:common.edit")}{" "}
                      <span className="visually-hidden">{user.display_name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </>
  );
}

export function UsersPage() {
  const { t } = useTranslation("admin");
  const [editing, setEditing] = useState<User | null>(null);
  const [saved, setSaved] = useState<User | null>(null);

  return (
    <AdminPage title={t("users.title")}>
      <div role="status">
        {saved ? <p className="notice">{t("users.saved", { name: saved.display_name })}</p> : null}
      </div>
      <UserList
        onEdit={(user) => {
          setSaved(null);
          setEditing(user);
        }}
      />
      {editing ? (
        <EditUserForm
          key={`${editing.id}-${editing.version}`}
          user={editing}
          onCancel={() => setEditing(null)}
          onDone={(user) => {
            setEditing(null);
            setSaved(user);
          }}
        />
      ) : null}
      <NewUserForm />
    </AdminPage>
  );
}
