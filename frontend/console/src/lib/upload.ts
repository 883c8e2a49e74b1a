import type { Attachment } from "../api/types";

/** A file being attached to the reply: uploading, uploaded or failed. */
export interface Upload {
  key: string;
  name: string;
  progress: number;
  attachment: Attachment | null;
  error: string;
}
