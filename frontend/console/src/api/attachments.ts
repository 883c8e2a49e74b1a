import { ApiError, csrfToken } from "./http";
import { ws } from "./workspace";
import type { Attachment } from "./types";

/** Upload one file (multipart `file`), reporting progress from 0 to 1. XHR, because fetch
 * cannot report upload progress. */
export function uploadAttachment(
  slug: string,
  file: File,
  onProgress: (fraction: number) => void = () => {},
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${ws(slug)}/attachments/`);
    xhr.withCredentials = true;
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "The upload failed."));
    xhr.onload = () => {
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        data = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as unknown as Attachment);
      else
        reject(
          new ApiError(
            xhr.status,
            String(data.code ?? `http_${xhr.status}`),
            String(data.detail ?? xhr.statusText),
          ),
        );
    };
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}
