// Signing out, or finding the session gone: close the socket, forget everything the user saw,
// and go to the sign-in page.
import { useRouter } from "vue-router";
import { useCannedStore } from "../stores/canned";
import { useContactsStore } from "../stores/contacts";
import { useConversationsStore } from "../stores/conversations";
import { useDirectoryStore } from "../stores/directory";
import { useLiveStore } from "../stores/live";
import { useRoutingStore } from "../stores/routing";
import { useSessionStore } from "../stores/session";
import { useTicketsStore } from "../stores/tickets";
import { useTimelinesStore } from "../stores/timelines";

export function useWorkspaceReset(): () => void {
  const directory = useDirectoryStore();
  const conversations = useConversationsStore();
  const timelines = useTimelinesStore();
  const canned = useCannedStore();
  const contacts = useContactsStore();
  const routing = useRoutingStore();
  const tickets = useTicketsStore();
  return () => {
    tickets.reset();
    routing.reset();
    directory.reset();
    conversations.reset();
    timelines.reset();
    canned.reset();
    contacts.reset();
  };
}

export function useSignOut(): { signOut: () => Promise<void>; signedOut: () => Promise<void> } {
  const session = useSessionStore();
  const live = useLiveStore();
  const router = useRouter();
  const resetWorkspace = useWorkspaceReset();

  /** The server says the session is over (expired, or signed out in another tab). */
  async function signedOut(): Promise<void> {
    live.stop();
    resetWorkspace();
    session.me = null;
    session.slug = null;
    await router.replace({ name: "login" });
  }

  async function signOut(): Promise<void> {
    live.stop();
    await session.logout();
    await signedOut();
  }

  return { signOut, signedOut };
}
