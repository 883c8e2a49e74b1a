// History-mode routes under /app/ (Django serves index.html for every /app/… URL).
import { createRouter, createWebHistory, type RouteLocationNormalized } from "vue-router";
import { useSessionStore } from "./stores/session";

export const router = createRouter({
  history: createWebHistory("/app/"),
  routes: [
    {
      path: "/login",
      name: "login",
      component: () => import("./views/LoginView.vue"),
      meta: { public: true },
    },
    {
      path: "/forgot-password",
      name: "forgot-password",
      component: () => import("./views/ForgotPasswordView.vue"),
      meta: { public: true },
    },
    {
      path: "/reset-password",
      name: "reset-password",
      component: () => import("./views/ResetPasswordView.vue"),
      meta: { public: true },
    },
    {
      // Outside the workspace shell: where a workspace that requires two-factor sends members.
      path: "/account",
      name: "account-security",
      component: () => import("./views/AccountSecurityView.vue"),
      meta: { account: true },
    },
    { path: "/", name: "home", component: { render: () => null } },
    {
      path: "/:ws",
      component: () => import("./views/ShellView.vue"),
      children: [
        { path: "", redirect: (to) => `/${String(to.params.ws)}/conversations` },
        {
          path: "conversations/:id(\\d+)?",
          name: "conversations",
          component: () => import("./views/InboxView.vue"),
        },
        {
          path: "tickets/:id(\\d+)?",
          name: "tickets",
          component: () => import("./views/TicketsView.vue"),
        },
        { path: "search", name: "search", component: () => import("./views/SearchView.vue") },
        {
          path: "canned-responses",
          name: "canned",
          component: () => import("./views/CannedResponsesView.vue"),
        },
        {
          path: "knowledge-base",
          name: "knowledge-base",
          component: () => import("./views/KnowledgeBaseView.vue"),
        },
        {
          path: "bot",
          name: "bot",
          component: () => import("./views/BotView.vue"),
          meta: { supervising: true },
        },
        {
          path: "supervisor",
          name: "supervisor",
          component: () => import("./views/SupervisorView.vue"),
          meta: { supervising: true },
        },
        {
          path: "quality",
          name: "quality",
          component: () => import("./views/QualityView.vue"),
          meta: { supervising: true },
        },
        {
          path: "quality/review/:id(\\d+)",
          name: "quality-review",
          component: () => import("./views/QualityReviewView.vue"),
          meta: { supervising: true },
        },
        {
          path: "my-reviews",
          name: "my-reviews",
          component: () => import("./views/MyReviewsView.vue"),
        },
        {
          path: "performance",
          name: "performance",
          component: () => import("./views/PerformanceView.vue"),
        },
        {
          path: "dashboards",
          name: "dashboards",
          component: () => import("./views/DashboardView.vue"),
          meta: { supervising: true },
        },
        {
          path: "sentiment",
          name: "sentiment",
          component: () => import("./views/SentimentView.vue"),
          meta: { supervising: true },
        },
        {
          path: "alerts",
          name: "alerts",
          component: () => import("./views/AlertsView.vue"),
          meta: { supervising: true },
        },
        {
          path: "mining/topics",
          name: "mining-topics",
          component: () => import("./views/MiningTopicsView.vue"),
          meta: { supervising: true },
        },
        {
          path: "mining/rules",
          name: "mining-rules",
          component: () => import("./views/MiningRulesView.vue"),
          meta: { supervising: true },
        },
        {
          path: "mining/forecast",
          name: "mining-forecast",
          component: () => import("./views/MiningForecastView.vue"),
          meta: { supervising: true },
        },
        {
          path: "mining/day-shapes",
          name: "mining-day-shapes",
          component: () => import("./views/MiningDayShapesView.vue"),
          meta: { supervising: true },
        },
        {
          path: "customers/:id(\\d+)?",
          name: "customers",
          component: () => import("./views/CustomersView.vue"),
          meta: { supervising: true },
        },
        {
          path: "automation",
          name: "automation",
          component: () => import("./views/AutomationView.vue"),
          meta: { admin: true },
        },
        { path: "macros", name: "macros", component: () => import("./views/MacrosView.vue") },
        {
          path: "sla-policies",
          name: "sla-policies",
          component: () => import("./views/SlaPoliciesView.vue"),
          meta: { admin: true },
        },
        {
          path: "ticket-fields",
          name: "ticket-fields",
          component: () => import("./views/TicketFieldsView.vue"),
          meta: { admin: true },
        },
        {
          path: "privacy",
          name: "compliance",
          component: () => import("./views/ComplianceView.vue"),
          meta: { admin: true },
        },
        {
          path: "audit-log",
          name: "audit-log",
          component: () => import("./views/AuditLogView.vue"),
          meta: { admin: true },
        },
        {
          path: "inboxes",
          name: "inboxes",
          component: () => import("./views/InboxesView.vue"),
          meta: { admin: true },
        },
        {
          path: "inboxes/:id(\\d+)",
          name: "inbox-settings",
          component: () => import("./views/InboxSettingsView.vue"),
          meta: { admin: true },
        },
      ],
    },
    { path: "/:rest(.*)*", redirect: "/" },
  ],
});

function home(slug: string | null) {
  return slug ? { name: "conversations", params: { ws: slug } } : { name: "login" };
}

router.beforeEach(async (to: RouteLocationNormalized) => {
  const session = useSessionStore();
  let signedIn = false;
  try {
    signedIn = await session.load();
  } catch {
    signedIn = false;
  }
  if (to.meta.public) {
    const slug = signedIn ? session.defaultSlug() : null;
    return slug && to.name === "login" ? home(slug) : true;
  }
  if (!signedIn) return { name: "login", query: to.fullPath === "/" ? {} : { next: to.fullPath } };
  if (to.meta.account) return true;
  const ws = typeof to.params.ws === "string" ? to.params.ws : null;
  if (ws && session.mustEnrol(ws)) return { name: "account-security", query: { required: ws } };
  if (!ws || !session.useWorkspace(ws)) return home(session.defaultSlug());
  if (to.meta.admin && !session.isAdmin) return home(ws);
  if (to.meta.supervising && !session.permissions.assign_others) return home(ws);
  return true;
});
