// Who is signed in, their memberships, and which workspace the console shows.
import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { authApi, isTwoFactorStep } from "../api/auth";
import { currentLocale } from "../i18n";
import { ApiError } from "../api/http";
import type { Me, Membership, Permissions } from "../api/types";

const NO_PERMISSIONS: Permissions = {
  see_all_inboxes: false,
  assign_others: false,
  manage_shared_replies: false,
};

const LAST_WORKSPACE_KEY = "parley.console.workspace";

export const useSessionStore = defineStore("session", () => {
  const me = ref<Me | null>(null);
  const slug = ref<string | null>(null);

  const user = computed(() => me.value?.user ?? null);
  const memberships = computed<Membership[]>(() => me.value?.memberships ?? []);
  const membership = computed(
    () => memberships.value.find((m) => m.workspace.slug === slug.value) ?? null,
  );
  /** The caller's member id in the current workspace ("me" in assignments). */
  const memberId = computed(() => membership.value?.id ?? null);
  /** What the console offers in this workspace; menus the member may not use are hidden. */
  const permissions = computed<Permissions>(
    () => membership.value?.permissions ?? NO_PERMISSIONS,
  );

  /** Owners and admins configure inboxes (the server checks the same). */
  const isAdmin = computed(
    () => membership.value?.role === "owner" || membership.value?.role === "admin",
  );

  /** Load the session; false when nobody is signed in. */
  async function load(): Promise<boolean> {
    if (me.value) return true;
    try {
      me.value = await authApi.me();
      return true;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return false;
      throw error;
    }
  }

  /** The password step; "code" when the account has two-factor on and a code must follow. */
  async function login(email: string, password: string): Promise<"done" | "code"> {
    await authApi.csrf();
    const answer = await authApi.login(email, password, currentLocale());
    if (isTwoFactorStep(answer)) return "code";
    me.value = answer;
    return "done";
  }

  async function loginCode(code: string): Promise<void> {
    me.value = await authApi.loginCode(code);
  }

  /** Read the profile again (after two-factor is switched on or off). */
  async function refresh(): Promise<void> {
    me.value = await authApi.me();
  }

  /** The workspace requires two-factor and this user has not set it up yet. */
  function mustEnrol(workspaceSlug: string | null): boolean {
    const m = memberships.value.find((x) => x.workspace.slug === workspaceSlug);
    return Boolean(m?.workspace.require_two_factor) && !me.value?.user.two_factor_enabled;
  }

  async function logout(): Promise<void> {
    try {
      try {
        await authApi.logout();
      } catch {
        // Most likely a CSRF token rotated by a login in another tab: fetch a fresh one and
        // try once more, so the server session really ends before we show the sign-in page.
        await authApi.csrf();
        await authApi.logout();
      }
    } finally {
      me.value = null;
      slug.value = null;
      // Django rotates the CSRF token on login and logout; fetch a fresh one for the next login.
      await authApi.csrf().catch(() => undefined);
    }
  }

  function defaultSlug(): string | null {
    const saved = localStorage.getItem(LAST_WORKSPACE_KEY);
    if (saved && memberships.value.some((m) => m.workspace.slug === saved)) return saved;
    return memberships.value[0]?.workspace.slug ?? null;
  }

  function useWorkspace(next: string): boolean {
    if (!memberships.value.some((m) => m.workspace.slug === next)) return false;
    slug.value = next;
    localStorage.setItem(LAST_WORKSPACE_KEY, next);
    return true;
  }

  return {
    me,
    slug,
    user,
    memberships,
    membership,
    memberId,
    permissions,
    isAdmin,
    load,
    login,
    loginCode,
    refresh,
    mustEnrol,
    logout,
    defaultSlug,
    useWorkspace,
  };
});
