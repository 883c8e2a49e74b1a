"""Who may call which member API endpoint: the one table that docs/permissions.md ("Every
endpoint") and tests/security/test_permission_matrix.py are generated from.

Each row is an HTTP method and a route under ``/api/v1/workspaces/<slug>/`` with the roles the
server lets through. Every other role is refused with ``403 permission_denied`` (or ``404`` where
``hidden`` says the resource is not even shown to them). A route the URL configuration has and
this table lacks fails the test, so a new endpoint cannot ship without a decision here.

Run ``python -m parley.accounts.permissions_matrix`` to print the Markdown table.
"""

# ruff: noqa: E501  (a table reads best one row per line)
from __future__ import annotations

from dataclasses import dataclass

OWNER, ADMIN, SUPERVISOR, AGENT = "owner", "admin", "supervisor", "agent"
ROLES = (OWNER, ADMIN, SUPERVISOR, AGENT)
EVERYONE = frozenset(ROLES)
SUPERVISING = frozenset({OWNER, ADMIN, SUPERVISOR})
MANAGERS = frozenset({OWNER, ADMIN})


@dataclass(frozen=True)
class Rule:
    method: str
    route: str
    allowed: frozenset[str]
    action: str
    # The refused roles get 404 rather than 403: the thing is not theirs to know about.
    hidden: bool = False


MATRIX: tuple[Rule, ...] = (
    # conversations
    Rule("GET", "conversations/", EVERYONE, "list conversations (agents: their inboxes)"),
    Rule("GET", "conversations/<int:conversation_id>/", EVERYONE, "read a conversation"),
    Rule("GET", "conversations/<int:conversation_id>/messages/", EVERYONE, "read messages"),
    Rule("POST", "conversations/<int:conversation_id>/messages/", EVERYONE, "send a message or note"),
    Rule("POST", "conversations/<int:conversation_id>/assign/", EVERYONE, "assign (agents: take or let go only)"),
    Rule("POST", "conversations/<int:conversation_id>/team/", EVERYONE, "change the team (agents: own or free)"),
    Rule("POST", "conversations/<int:conversation_id>/status/", EVERYONE, "change the status (agents: own or free)"),
    Rule("POST", "conversations/<int:conversation_id>/read/", EVERYONE, "mark read"),
    Rule("POST", "conversations/<int:conversation_id>/transfer/", EVERYONE, "transfer"),
    Rule("POST", "conversations/<int:conversation_id>/escalate/", EVERYONE, "escalate to a ticket"),
    Rule("POST", "conversations/<int:conversation_id>/macros/<int:macro_id>/apply/", EVERYONE, "apply a macro"),
    Rule("POST", "attachments/", EVERYONE, "upload an attachment"),
    Rule("GET", "search/", EVERYONE, "search history"),
    Rule("GET", "contacts/<int:contact_id>/", EVERYONE, "contact panel"),
    Rule("PATCH", "contacts/<int:contact_id>/", EVERYONE, "edit a contact (name, e-mail, phone, ID number)"),
    Rule("GET", "contacts/", EVERYONE, "find contacts by phone or ID number (blind index)"),
    # privacy and audit (docs/security.md)
    Rule("POST", "privacy/messages/<int:message_id>/reveal/", SUPERVISING, "reveal a message's masked personal data (audited)"),
    Rule("POST", "privacy/contacts/<int:contact_id>/reveal/", SUPERVISING, "reveal a contact's phone, ID number, e-mail or one custom attribute (audited)"),
    Rule("POST", "privacy/tickets/<int:ticket_id>/reveal/", SUPERVISING, "reveal a ticket's subject and custom field values (audited)"),
    Rule("GET", "privacy/settings/", MANAGERS, "privacy settings (notice, consent, minimisation, retention)"),
    Rule("PATCH", "privacy/settings/", MANAGERS, "change privacy settings (audited)"),
    Rule("GET", "privacy/report/", MANAGERS, "the compliance report"),
    Rule("POST", "privacy/retention/run/", MANAGERS, "run the retention policy now (audited)"),
    Rule("POST", "privacy/contacts/<int:contact_id>/export/", MANAGERS, "export a contact's data as a zip (audited)"),
    Rule("POST", "privacy/contacts/<int:contact_id>/erase/", MANAGERS, "erase a contact, keeping statistics (confirmed, audited)"),
    Rule("GET", "audit/", MANAGERS, "search the audit log"),
    Rule("GET", "audit/export/", MANAGERS, "export the audit log (audited)"),
    Rule("GET", "audit/verify/", MANAGERS, "check the audit log's hash chain"),
    Rule("GET", "csat/", EVERYONE, "CSAT results"),
    # quick replies
    Rule("GET", "canned-responses/", EVERYONE, "list quick replies"),
    Rule("POST", "canned-responses/", EVERYONE, "create a quick reply (agents: personal only)"),
    Rule("PATCH", "canned-responses/<int:canned_id>/", EVERYONE, "change a quick reply (agents: personal only)"),
    Rule("DELETE", "canned-responses/<int:canned_id>/", EVERYONE, "delete a quick reply (agents: personal only)"),
    # routing
    Rule("GET", "routing/me/", EVERYONE, "own availability"),
    Rule("PUT", "routing/me/", EVERYONE, "set own availability"),
    Rule("GET", "routing/agents/", SUPERVISING, "agents' availability and load"),
    Rule("PATCH", "routing/agents/<int:member_id>/", SUPERVISING, "change an agent's capacity or skills"),
    Rule("GET", "routing/queue/", EVERYONE, "the queue"),
    Rule("GET", "routing/settings/", EVERYONE, "routing settings"),
    Rule("PATCH", "routing/settings/", MANAGERS, "change routing settings"),
    # inboxes
    Rule("GET", "inboxes/", EVERYONE, "list inboxes (agents: their own)"),
    Rule("GET", "inboxes/<int:inbox_id>/", EVERYONE, "read an inbox's settings"),
    Rule("PATCH", "inboxes/<int:inbox_id>/", MANAGERS, "change inbox settings"),
    Rule("POST", "inboxes/<int:inbox_id>/identity-secret/", MANAGERS, "generate the widget identity secret (shown once)"),
    # automation
    Rule("GET", "automation/rules/", MANAGERS, "list automation rules"),
    Rule("POST", "automation/rules/", MANAGERS, "create a rule"),
    Rule("POST", "automation/rules/reorder/", MANAGERS, "reorder rules"),
    Rule("GET", "automation/rules/<int:rule_id>/", MANAGERS, "read a rule"),
    Rule("PATCH", "automation/rules/<int:rule_id>/", MANAGERS, "change a rule"),
    Rule("DELETE", "automation/rules/<int:rule_id>/", MANAGERS, "delete a rule"),
    Rule("GET", "automation/rules/<int:rule_id>/runs/", MANAGERS, "a rule's runs"),
    Rule("GET", "automation/macros/", EVERYONE, "list macros"),
    Rule("POST", "automation/macros/", EVERYONE, "create a macro (shared: supervising roles only)"),
    Rule("PATCH", "automation/macros/<int:macro_id>/", EVERYONE, "change a macro (shared: supervising roles only)"),
    Rule("DELETE", "automation/macros/<int:macro_id>/", EVERYONE, "delete a macro (shared: supervising roles only)"),
    # people and access
    Rule("GET", "members/", EVERYONE, "list members"),
    Rule("GET", "teams/", EVERYONE, "list teams"),
    Rule("GET", "tokens/", EVERYONE, "list own API tokens"),
    Rule("POST", "tokens/", EVERYONE, "issue an API token for oneself"),
    Rule("DELETE", "tokens/<int:token_id>/", EVERYONE, "revoke own API token"),
    Rule("GET", "security/", EVERYONE, "workspace security settings"),
    Rule("PATCH", "security/", MANAGERS, "require two-factor"),
    # tickets
    Rule("GET", "tickets/", EVERYONE, "list tickets"),
    Rule("POST", "tickets/", EVERYONE, "create a ticket"),
    Rule("POST", "tickets/bulk/", EVERYONE, "bulk-change tickets"),
    Rule("GET", "tickets/<int:ticket_id>/", EVERYONE, "read a ticket"),
    Rule("PATCH", "tickets/<int:ticket_id>/", EVERYONE, "change a ticket"),
    Rule("GET", "ticket-fields/", EVERYONE, "list ticket fields"),
    Rule("POST", "ticket-fields/", MANAGERS, "define a ticket field"),
    Rule("GET", "ticket-fields/<int:field_id>/", EVERYONE, "read a ticket field"),
    Rule("PATCH", "ticket-fields/<int:field_id>/", MANAGERS, "change a ticket field"),
    Rule("DELETE", "ticket-fields/<int:field_id>/", MANAGERS, "delete a ticket field"),
    Rule("GET", "sla-policies/", EVERYONE, "list SLA policies"),
    Rule("POST", "sla-policies/", MANAGERS, "create an SLA policy"),
    Rule("POST", "sla-policies/reorder/", MANAGERS, "reorder SLA policies"),
    Rule("GET", "sla-policies/<int:policy_id>/", EVERYONE, "read an SLA policy"),
    Rule("PATCH", "sla-policies/<int:policy_id>/", MANAGERS, "change an SLA policy"),
    Rule("DELETE", "sla-policies/<int:policy_id>/", MANAGERS, "delete an SLA policy"),
    # knowledge base
    Rule("GET", "kb/articles/", EVERYONE, "list articles"),
    Rule("POST", "kb/articles/", SUPERVISING, "write an article"),
    Rule("GET", "kb/articles/<int:article_id>/", EVERYONE, "read an article"),
    Rule("PATCH", "kb/articles/<int:article_id>/", SUPERVISING, "change an article"),
    Rule("DELETE", "kb/articles/<int:article_id>/", SUPERVISING, "delete an article"),
    Rule("POST", "kb/articles/<int:article_id>/publish/", SUPERVISING, "publish an article"),
    Rule("DELETE", "kb/articles/<int:article_id>/publish/", SUPERVISING, "unpublish an article"),
    Rule("GET", "kb/articles/<int:article_id>/versions/", EVERYONE, "an article's versions"),
    Rule("POST", "kb/articles/<int:article_id>/versions/<int:number>/restore/", SUPERVISING, "restore a version"),
    Rule("GET", "kb/faqs/", EVERYONE, "list FAQs"),
    Rule("POST", "kb/faqs/", SUPERVISING, "write an FAQ"),
    Rule("GET", "kb/faqs/<int:faq_id>/", EVERYONE, "read an FAQ"),
    Rule("PATCH", "kb/faqs/<int:faq_id>/", SUPERVISING, "change an FAQ"),
    Rule("DELETE", "kb/faqs/<int:faq_id>/", SUPERVISING, "delete an FAQ"),
    Rule("GET", "kb/synonyms/", EVERYONE, "list synonyms"),
    Rule("POST", "kb/synonyms/", SUPERVISING, "add a synonym"),
    Rule("PATCH", "kb/synonyms/<int:synonym_id>/", SUPERVISING, "change a synonym"),
    Rule("DELETE", "kb/synonyms/<int:synonym_id>/", SUPERVISING, "delete a synonym"),
    Rule("GET", "kb/search/", EVERYONE, "search the knowledge base"),
    # bot
    Rule("GET", "bot/inboxes/", SUPERVISING, "inboxes' bot state"),
    Rule("GET", "bot/inboxes/<int:inbox_id>/settings/", SUPERVISING, "an inbox's bot settings"),
    Rule("PATCH", "bot/inboxes/<int:inbox_id>/settings/", MANAGERS, "change an inbox's bot settings"),
    Rule("GET", "bot/generation/", MANAGERS, "generated-answer settings"),
    Rule("PATCH", "bot/generation/", MANAGERS, "change generated-answer settings"),
    Rule("GET", "bot/analytics/", SUPERVISING, "bot analytics"),
    Rule("GET", "bot/conversations/<int:conversation_id>/", EVERYONE, "the bot's part of a conversation"),
    # quality
    Rule("GET", "quality/scorecards/", EVERYONE, "list scorecards"),
    Rule("POST", "quality/scorecards/", SUPERVISING, "define a scorecard"),
    Rule("GET", "quality/scorecards/<int:scorecard_id>/", EVERYONE, "read a scorecard"),
    Rule("PATCH", "quality/scorecards/<int:scorecard_id>/", SUPERVISING, "change a scorecard"),
    Rule("GET", "quality/reviews/", EVERYONE, "list reviews (agents: of their own work)"),
    Rule("POST", "quality/reviews/", SUPERVISING, "review a conversation"),
    Rule("GET", "quality/reviews/<int:review_id>/", EVERYONE, "read a review (agents: their own)"),
    Rule("PATCH", "quality/reviews/<int:review_id>/", SUPERVISING, "change a review"),
    Rule("GET", "quality/queue/", SUPERVISING, "the review queue"),
    Rule("POST", "quality/queue/<int:item_id>/skip/", SUPERVISING, "skip a queued review"),
    Rule("GET", "quality/settings/", EVERYONE, "QA settings"),
    Rule("PATCH", "quality/settings/", SUPERVISING, "set the sample size"),
    # analytics
    Rule("GET", "analytics/kpis/", EVERYONE, "KPIs (agents: their own row)"),
    Rule("GET", "analytics/leaderboard/", EVERYONE, "leaderboard (agents: their own place)"),
    Rule("GET", "analytics/dashboard/", SUPERVISING, "dashboard"),
    Rule("GET", "analytics/dashboard/export.csv", SUPERVISING, "dashboard as CSV"),
    Rule("GET", "analytics/dashboard/drilldown/", SUPERVISING, "drill down into a figure"),
    Rule("GET", "analytics/dashboard/live/", SUPERVISING, "live tiles"),
    Rule("GET", "analytics/alert-rules/", SUPERVISING, "list alert rules"),
    Rule("POST", "analytics/alert-rules/", SUPERVISING, "create an alert rule"),
    Rule("GET", "analytics/alert-rules/<int:rule_id>/", SUPERVISING, "read an alert rule"),
    Rule("PUT", "analytics/alert-rules/<int:rule_id>/", SUPERVISING, "change an alert rule"),
    Rule("DELETE", "analytics/alert-rules/<int:rule_id>/", SUPERVISING, "delete an alert rule"),
    Rule("GET", "analytics/report-subscriptions/", SUPERVISING, "list e-mail report subscriptions"),
    Rule("POST", "analytics/report-subscriptions/", SUPERVISING, "subscribe an address to an e-mail report"),
    Rule("DELETE", "analytics/report-subscriptions/<int:subscription_id>/", SUPERVISING, "unsubscribe"),
    Rule("GET", "analytics/alerts/", SUPERVISING, "alert history"),
    Rule("GET", "analytics/customers/", SUPERVISING, "at-risk customers (churn risk with reasons)"),
    Rule("GET", "analytics/customers/<int:contact_id>/", EVERYONE, "a customer's profile and risk (agents: contacts they may see)"),
    Rule("POST", "analytics/customers/<int:contact_id>/follow-up/", SUPERVISING, "mark a customer as followed up (audited)"),
    Rule("GET", "analytics/churn/models/", SUPERVISING, "churn model versions and validation figures"),
    Rule("GET", "analytics/sentiment/", SUPERVISING, "sentiment overview: trend, shares, sentiment × CSAT"),
    Rule("GET", "analytics/sentiment/negative/", SUPERVISING, "conversations negative now (open)"),
    Rule("GET", "analytics/sentiment/models/", SUPERVISING, "sentiment model versions"),
    Rule("POST", "analytics/sentiment/models/<int:version>/activate/", MANAGERS, "switch the active sentiment model (audited)"),
    Rule("GET", "analytics/mining/topics/", SUPERVISING, "keywords and topics (latest snapshot)"),
    Rule("GET", "analytics/mining/rules/", SUPERVISING, "association rules over tags, intents, topics, products"),
    Rule("GET", "analytics/mining/forecast/", SUPERVISING, "volume forecast and Erlang C staffing plan"),
    Rule("GET", "analytics/mining/day-shapes/", SUPERVISING, "typical day shapes (peak hours)"),
    Rule("POST", "analytics/mining/refresh/", SUPERVISING, "recompute mining results now (audited)"),
)  # fmt: skip


_BY_ENDPOINT = {(rule.method, rule.route): rule for rule in MATRIX}


def rule_for(method: str, route: str) -> Rule | None:
    return _BY_ENDPOINT.get((method, route))


def markdown_table() -> str:
    head = (
        "| method | endpoint (under `/api/v1/workspaces/<slug>/`) | action | "
        + " | ".join(ROLES)
        + " |"
    )
    lines = [head, "| " + " | ".join(["---"] * (3 + len(ROLES))) + " |"]
    for rule in MATRIX:
        refused = "404" if rule.hidden else "403"
        cells = ["yes" if role in rule.allowed else refused for role in ROLES]
        route = rule.route.replace("<int:", "<").replace("|", "\\|")
        lines.append(f"| {rule.method} | `{route}` | {rule.action} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
