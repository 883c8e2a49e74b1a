// The current workspace's inboxes, members and teams: names for menus and filters.
import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { workspaceApi } from "../api/workspace";
import type { Inbox, Member, Team } from "../api/types";

export const useDirectoryStore = defineStore("directory", () => {
  const slug = ref<string | null>(null);
  const inboxes = ref<Inbox[]>([]);
  const members = ref<Member[]>([]);
  const teams = ref<Team[]>([]);

  const inboxIds = computed(() => new Set(inboxes.value.map((i) => i.id)));

  async function load(workspace: string): Promise<void> {
    if (slug.value === workspace) return;
    const [i, m, t] = await Promise.all([
      workspaceApi.inboxes(workspace),
      workspaceApi.members(workspace),
      workspaceApi.teams(workspace),
    ]);
    slug.value = workspace;
    inboxes.value = i;
    members.value = m;
    teams.value = t;
  }

  function member(id: number | null | undefined): Member | undefined {
    return members.value.find((m) => m.id === id);
  }

  function reset(): void {
    slug.value = null;
    inboxes.value = [];
    members.value = [];
    teams.value = [];
  }

  return { slug, inboxes, members, teams, inboxIds, load, member, reset };
});
