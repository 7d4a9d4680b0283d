"""Who may call each mutating operation of the platform, written from the services' access rules
(services/*/src/*/access.py, the endpoints' dependencies and the services' scope checks).

One entry per operation id of the gateway's OpenAPI. `tests/test_platform_access_matrix.py`
fails when an operation has no entry here, so a new endpoint cannot escape the matrix.

The callers of the matrix, and the targets the test gives them:
  observer; integration (an API key with read+subscribe); rep_pe / rep_ar (representatives of PE
  and of AR); wg_member / wg_coordinator (of group G1); wg_coordinator_other (of group G2);
  secretariat (the control). Country-scoped targets are PE records (so rep_ar is the scope
  dimension); group-scoped targets are G1's (so wg_coordinator_other is). Proposals are for an
  action led by PE in G1; signatures are for the party PE.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

CALLERS = (
    "observer",
    "integration",
    "rep_pe",
    "rep_ar",
    "wg_member",
    "wg_coordinator",
    "wg_coordinator_other",
    "secretariat",
)

# The credential does not leave the caller themselves: these are not in the matrix.
SELF_SERVICE = frozenset({"sign_in", "refresh_tokens", "sign_out", "change_password"})


class Rule(Enum):
    # require_roles(SECRETARIAT) (or the gateway's own Secretariat dependency).
    SECRETARIAT = "secretariat only"
    # members: Editor + ensure_country_scope(target country = PE).
    COUNTRY = "secretariat, or the representative of the record's country"
    # agreements: Drafter + ensure_party_country / ensure_signs_for_own_country (PE is a party).
    PARTY_COUNTRY = "secretariat, or a representative of a party country"
    # roadmap: SignedIn + ensure_coordinates(action's / group's working group = G1).
    COORDINATOR = "secretariat, or the coordinator of the working group"
    # roadmap: SignedIn + ensure_reports_for(G1).
    REPORTER = "secretariat, or the coordinator or a member of the working group"
    # roadmap: SignedIn + ensure_may_propose(lead country PE, group G1).
    PROPOSER = "secretariat, the representative of the lead country, or the group's coordinator"
    # gateway webhooks: Integrator (integration key with `subscribe`, or the secretariat).
    INTEGRATOR = "secretariat, or an integration client with the subscribe scope"
    # gateway webhooks on a subscription the secretariat owns: other clients get a 404.
    INTEGRATOR_OWNER = "secretariat, or the integration client that owns the subscription"


POLICY: dict[str, Rule] = {
    # agreements
    "agreements_draft_agreement": Rule.PARTY_COUNTRY,
    "agreements_update_draft_agreement": Rule.PARTY_COUNTRY,
    "agreements_propose_agreement": Rule.PARTY_COUNTRY,
    "agreements_sign_agreement": Rule.PARTY_COUNTRY,
    "agreements_amend_agreement": Rule.SECRETARIAT,
    "agreements_suspend_agreement": Rule.SECRETARIAT,
    "agreements_resume_agreement": Rule.SECRETARIAT,
    "agreements_terminate_agreement": Rule.SECRETARIAT,
    "agreements_register_partner": Rule.SECRETARIAT,
    "agreements_update_partner": Rule.SECRETARIAT,
    # the gateway's identity API
    "create_user": Rule.SECRETARIAT,
    "update_user": Rule.SECRETARIAT,
    "create_client": Rule.SECRETARIAT,
    "revoke_client": Rule.SECRETARIAT,
    # the gateway's webhooks
    "create_webhook_subscription": Rule.INTEGRATOR,
    "update_webhook_subscription": Rule.INTEGRATOR_OWNER,
    "redeliver_webhook": Rule.INTEGRATOR_OWNER,
    "disable_webhook_subscription": Rule.INTEGRATOR_OWNER,
    "enable_webhook_subscription": Rule.INTEGRATOR_OWNER,
    "replay_webhooks": Rule.INTEGRATOR_OWNER,
    "rotate_webhook_secret": Rule.INTEGRATOR_OWNER,
    # members
    "members_register_library": Rule.COUNTRY,
    "members_start_directory_import": Rule.COUNTRY,
    "members_describe_library": Rule.COUNTRY,
    "members_close_library": Rule.COUNTRY,
    "members_register_member_state": Rule.SECRETARIAT,
    "members_rename_member_state": Rule.SECRETARIAT,
    "members_admit_member_state": Rule.SECRETARIAT,
    "members_reinstate_member_state": Rule.SECRETARIAT,
    "members_suspend_member_state": Rule.SECRETARIAT,
    "members_withdraw_member_state": Rule.SECRETARIAT,
    "members_register_network": Rule.COUNTRY,
    "members_update_network": Rule.COUNTRY,
    "members_appoint_representative": Rule.COUNTRY,
    "members_update_representative": Rule.COUNTRY,
    "members_end_representative": Rule.COUNTRY,
    # roadmap
    "roadmap_propose_action": Rule.PROPOSER,
    "roadmap_update_action": Rule.COORDINATOR,
    "roadmap_block_action": Rule.COORDINATOR,
    "roadmap_cancel_action": Rule.COORDINATOR,
    "roadmap_complete_action": Rule.COORDINATOR,
    "roadmap_plan_action": Rule.COORDINATOR,
    "roadmap_start_action": Rule.COORDINATOR,
    "roadmap_unblock_action": Rule.COORDINATOR,
    "roadmap_reassign_action": Rule.COORDINATOR,
    "roadmap_define_indicator": Rule.COORDINATOR,
    "roadmap_measure_indicator": Rule.REPORTER,
    "roadmap_add_milestone": Rule.COORDINATOR,
    "roadmap_reach_milestone": Rule.COORDINATOR,
    "roadmap_report_progress": Rule.REPORTER,
    "roadmap_create_roadmap": Rule.SECRETARIAT,
    "roadmap_update_roadmap": Rule.SECRETARIAT,
    "roadmap_add_strategic_line": Rule.SECRETARIAT,
    "roadmap_update_strategic_line": Rule.SECRETARIAT,
    "roadmap_form_working_group": Rule.SECRETARIAT,
    "roadmap_update_working_group": Rule.SECRETARIAT,
    "roadmap_country_joins_working_group": Rule.COORDINATOR,
    "roadmap_country_leaves_working_group": Rule.COORDINATOR,
    "roadmap_person_joins_working_group": Rule.COORDINATOR,
    "roadmap_person_leaves_working_group": Rule.COORDINATOR,
}


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str


def expected(rule: Rule, caller: str, *, proxied: bool) -> Refusal | None:
    """None when `caller` may do it; else the refusal it gets. `proxied`: the operation is a
    service's, behind the gateway (integration keys never write through it: 403 `scope`)."""
    if caller == "secretariat":
        return None
    if caller == "integration" and proxied:
        return Refusal(403, "scope")
    allowed: dict[Rule, frozenset[str]] = {
        Rule.SECRETARIAT: frozenset(),
        Rule.COUNTRY: frozenset({"rep_pe"}),
        Rule.PARTY_COUNTRY: frozenset({"rep_pe"}),
        Rule.COORDINATOR: frozenset({"wg_coordinator"}),
        Rule.REPORTER: frozenset({"wg_coordinator", "wg_member"}),
        Rule.PROPOSER: frozenset({"rep_pe", "wg_coordinator"}),
        Rule.INTEGRATOR: frozenset({"integration"}),
        Rule.INTEGRATOR_OWNER: frozenset(),
    }
    if caller in allowed[rule]:
        return None
    if rule is Rule.INTEGRATOR_OWNER and caller == "integration":
        return Refusal(
            404, "subscription_not_found"
        )  # another owner's subscription is not confirmed to exist
    scoped = {
        # A representative passes the role check and is refused on the record's country.
        Rule.COUNTRY: ("country_scope", {"rep_ar"}),
        Rule.PARTY_COUNTRY: ("country_scope", {"rep_ar"}),
        # Every signed-in caller reaches the roadmap's scope checks.
        Rule.COORDINATOR: ("group_scope", set(CALLERS)),
        Rule.REPORTER: ("group_scope", set(CALLERS)),
        Rule.PROPOSER: ("proposal_scope", set(CALLERS)),
    }
    if rule in scoped and caller in scoped[rule][1]:
        return Refusal(403, scoped[rule][0])
    return Refusal(403, "forbidden")
