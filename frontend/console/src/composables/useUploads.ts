// Files attached to a reply: uploaded at once (with progress), from the picker, paste or drop.
import { computed, ref } from "vue";
import { uploadAttachment } from "../api/attachments";
import type { Attachment } from "../api/types";
import type { Upload } from "../lib/upload";

export function useUploads(workspace: () => string | null) {
  const uploads = ref<Upload[]>([]);

  const settled = computed(() => uploads.value.every((u) => u.attachment || u.error));
  const attachments = computed(() =>
    uploads.value.map((u) => u.attachment).filter((a): a is Attachment => a !== null),
  );

  function add(files: FileList | File[]): void {
    const slug = workspace();
    if (!slug) return;
    for (const file of Array.from(files)) {
      uploads.value.push({
        key: `${Date.now()}-${Math.random()}`,
        name: file.name,
        progress: 0,
        attachment: null,
        error: "",
      });
      const entry = uploads.value[uploads.value.length - 1]!;
      uploadAttachment(slug, file, (p) => (entry.progress = p))
        .then((attachment) => (entry.attachment = attachment))
        .catch((e: Error) => (entry.error = e.message));
    }
  }

  function onPaste(event: ClipboardEvent): void {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (files.length) {
      event.preventDefault();
      add(files);
    }
  }

  function onDrop(event: DragEvent): void {
    const files = event.dataTransfer?.files;
    if (files?.length) add(files);
  }

  function remove(key: string): void {
    uploads.value = uploads.value.filter((u) => u.key !== key);
  }

  function clear(): void {
    uploads.value = [];
  }

  return { uploads, settled, attachments, add, onPaste, onDrop, remove, clear };
}
