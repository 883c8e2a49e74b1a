// Desktop notifications and a chime for new conversations and messages. Permission is asked only
// when the agent presses the button; both can be switched off and the choice is remembered.
import { defineStore } from "pinia";
import { ref } from "vue";
import { playChime } from "../lib/sound";

const ENABLED_KEY = "parley.console.notifications";
const SOUND_KEY = "parley.console.sound";

type Permission = NotificationPermission | "unsupported";

function currentPermission(): Permission {
  return "Notification" in window ? Notification.permission : "unsupported";
}

export const useNotificationsStore = defineStore("notifications", () => {
  const permission = ref<Permission>(currentPermission());
  const enabled = ref(localStorage.getItem(ENABLED_KEY) === "1" && permission.value === "granted");
  const sound = ref(localStorage.getItem(SOUND_KEY) !== "0");

  async function enable(): Promise<void> {
    if (permission.value === "unsupported") return;
    if (permission.value !== "granted") permission.value = await Notification.requestPermission();
    enabled.value = permission.value === "granted";
    localStorage.setItem(ENABLED_KEY, enabled.value ? "1" : "0");
  }

  function disable(): void {
    enabled.value = false;
    localStorage.setItem(ENABLED_KEY, "0");
  }

  function setSound(on: boolean): void {
    sound.value = on;
    localStorage.setItem(SOUND_KEY, on ? "1" : "0");
  }

  /** Tell the agent, unless they are looking at it already. */
  function announce(title: string, body: string, tag: string, onClick: () => void): void {
    if (sound.value) playChime();
    if (!enabled.value || permission.value !== "granted") return;
    const notification = new Notification(title, { body: body.slice(0, 140), tag });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  }

  return { permission, enabled, sound, enable, disable, setSound, announce };
});
