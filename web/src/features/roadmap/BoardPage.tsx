// A working group's board: its actions in columns by status. Moving a card performs the action's
// transition in the roadmap service — by dragging it (mouse) or with the card's «Move to» list
// (keyboard, touch, screen readers). Moves that need a reason ask for one first.
import { useState, type DragEvent, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { useAuth } from "../../auth/AuthProvider";
import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import {
  COLUMNS,
  MOVES,
  moveBetween,
  useBoard,
  useGroup,
  useMoveAction,
  type ActionStatus,
  type ActionSummary,
  type Move,
} from "./queries";
import "./roadmap.css";

type PendingMove = { card: ActionSummary; move: Move };

function moveLabel(t: (key: string) => string, move: Move): string {
  return move.to === null ? t("board.unblock") : t(`status.${move.to}`);
}

function Card({
  card,
  mayMove,
  onMove,
}: {
  card: ActionSummary;
  mayMove: boolean;
  onMove: (card: ActionSummary, move: Move) => void;
}) {
  const { t } = useTranslation("roadmap");
  const format = useFormat();
  const moves = MOVES[card.status];
  const [choice, setChoice] = useState(0);
  const titleId = `card-${card.id}`;
  const selectId = `move-${card.id}`;
  return (
    <article
      className="board__card"
      aria-labelledby={titleId}
      draggable={mayMove && moves.length > 0}
      onDragStart={(e) => {
        e.dataTransfer.setData("text/plain", card.id);
        e.dataTransfer.effectAllowed = "move";
      }}
    >
      <h3 id={titleId} className="board__title">
        <Link to={`/roadmap/actions/${card.id}`}>{card.title}</Link>
      </h3>
      <p className="board__facts">
        {t("board.lead", { country: format.country(card.lead_country) })}
        <br />
        {t("board.due", { date: format.date(card.due_date) })}
        <br />
        {t(`priority.${card.priority}`)}
      </p>
      {card.overdue ? <span className="badge overdue">{t("overdue")}</span> : null}
      {mayMove && moves.length > 0 ? (
        <div className="board__move">
          <label htmlFor={selectId}>{t("board.moveTo")}</label>
          <select id={selectId} value={choice} onChange={(e) => setChoice(Number(e.target.value))}>
            {moves.map((move, index) => (
              <option key={move.endpoint} value={index}>
                {moveLabel(t, move)}
              </option>
            ))}
          </select>{" "}
          <button type="button" onClick={() => onMove(card, moves[choice] ?? moves[0]!)}>
            {t("board.move")}
          </button>
        </div>
      ) : null}
    </article>
  );
}

function ReasonForm({
  pending,
  busy,
  onConfirm,
  onCancel,
}: {
  pending: PendingMove;
  busy: boolean;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation("roadmap");
  const [reason, setReason] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onConfirm(reason.trim());
  };
  return (
    <form className="card board__reason" role="dialog" aria-labelledby="reason-heading" onSubmit={submit}>
      <h2 id="reason-heading" style={{ marginTop: 0 }}>
        {t("board.reasonFor", { title: pending.card.title, status: moveLabel(t, pending.move) })}
      </h2>
      <label htmlFor="move-reason">{t("board.reason")}</label>
      <textarea
        id="move-reason"
        required
        minLength={3}
        maxLength={2000}
        rows={3}
        autoFocus
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <p>
        <button type="submit" className="primary" disabled={busy}>
          {t("board.move")}
        </button>{" "}
        <button type="button" onClick={onCancel}>
          {t("board.cancel")}
        </button>
      </p>
    </form>
  );
}

export function BoardPage() {
  const { groupId = "" } = useParams();
  const { t } = useTranslation("roadmap");
  const { hasRole, principal } = useAuth();
  const group = useGroup(groupId);
  const board = useBoard(groupId);
  const move = useMoveAction();
  const [pending, setPending] = useState<PendingMove | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [over, setOver] = useState<ActionStatus | null>(null);
  // As the roadmap service decides: the secretariat, or this group's coordinator.
  const mayMove =
    hasRole("secretariat") || (hasRole("wg_coordinator") && (principal?.working_groups ?? []).includes(groupId));

  const perform = (card: ActionSummary, chosen: Move, reason?: string) => {
    setAnnouncement("");
    move.mutate(
      { card, move: chosen, reason },
      {
        onSuccess: (action) => {
          setPending(null);
          setAnnouncement(
            chosen.to === null
              ? t("board.unblocked", { title: card.title })
              : t("board.moved", { title: card.title, status: t(`status.${action.status}`) }),
          );
        },
      },
    );
  };
  const request = (card: ActionSummary, chosen: Move) => {
    if (chosen.needsReason) setPending({ card, move: chosen });
    else perform(card, chosen);
  };

  const cards = board.data?.columns ?? {};
  const drop = (column: ActionStatus) => (event: DragEvent) => {
    event.preventDefault();
    setOver(null);
    const id = event.dataTransfer.getData("text/plain");
    const card = Object.values(cards)
      .flat()
      .find((c) => c?.id === id);
    if (!card || card.status === column) return;
    const chosen = moveBetween(card.status, column);
    if (chosen) request(card, chosen);
  };

  return (
    <>
      <p>
        <Link to="/roadmap">{t("board.back")}</Link>
      </p>
      <h1>{group.data?.name ?? t("openBoard")}</h1>
      {mayMove ? <p className="muted">{t("board.help")}</p> : null}
      <ProblemMessage error={group.error ?? board.error ?? move.error} />
      <p role="status" aria-live="polite" className={announcement ? "notice" : undefined}>
        {announcement}
      </p>
      {pending ? (
        <ReasonForm
          key={pending.card.id + pending.move.endpoint}
          pending={pending}
          busy={move.isPending}
          onConfirm={(reason) => perform(pending.card, pending.move, reason)}
          onCancel={() => setPending(null)}
        />
      ) : null}
      {board.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {board.data ? (
        <div className="board">
          {COLUMNS.map((column) => {
            const columnCards = cards[column] ?? [];
            return (
              <section
                key={column}
                className={`board__column${over === column ? " drop-target" : ""}`}
                aria-labelledby={`column-${column}`}
                data-status={column}
                onDragOver={(e) => {
                  e.preventDefault();
                  setOver(column);
                }}
                onDragLeave={() => setOver((current) => (current === column ? null : current))}
                onDrop={drop(column)}
              >
                <h2 id={`column-${column}`}>
                  {t(`status.${column}`)} <span className="badge">{columnCards.length}</span>
                </h2>
                {columnCards.length === 0 ? <p className="muted">{t("board.empty")}</p> : null}
                {columnCards.map((card) => (
                  <Card key={`${card.id}-${card.version}`} card={card} mayMove={mayMove} onMove={request} />
                ))}
              </section>
            );
          })}
        </div>
      ) : null}
    </>
  );
}
