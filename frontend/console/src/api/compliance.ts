// The privacy settings, compliance report, retention, export and erasure (docs/privacy.md).
import { ApiError, csrfToken, http } from "./http";
import { ws } from "./workspace";

export type Collectable = "name" | "email" | "phone" | "id_number" | "attributes" | "ip" | "user_agent";
export type RetentionAction = "delete" | "anonymise";

export interface PrivacySettings {
  notice: { en: string; zh: string };
  notice_version: number;
  consent_required: boolean;
  collect: Collectable[];
  collectable: Collectable[];
  retention: {
    conversation_days: number | null;
    attachment_days: number | null;
    action: RetentionAction;
  };
  updated_at: string | null;
}

export interface PrivacySettingsChange {
  notice_en?: string;
  notice_zh?: string;
  consent_required?: boolean;
  collect?: Collectable[];
  conversation_days?: number | null;
  attachment_days?: number | null;
  retention_action?: RetentionAction;
  new_notice_version?: boolean;
}

export interface RetentionRun {
  id: number;
  started_at: string;
  finished_at: string | null;
  action: RetentionAction;
  conversation_days: number | null;
  attachment_days: number | null;
  conversations: number;
  messages: number;
  attachments: number;
  files: number;
}

export interface ComplianceReport {
  settings: PrivacySettings;
  retention_runs: RetentionRun[];
  consents: {
    total: number;
    current_version_accepted: number;
    current_version_declined: number;
    by_version: { notice_version: number; accepted: number; declined: number }[];
  };
  requests: {
    action: "exported" | "erased";
    contact: number;
    actor: string;
    at: string;
    data: Record<string, unknown>;
  }[];
  encryption: {
    encryption_keys: number;
    encryption_key_source: "environment" | "data_directory";
    blind_index_key_source: "environment" | "data_directory";
    rotation_pending: boolean;
    encrypted_values: number;
  };
  settings_changes: number;
}

export interface ErasureResult {
  contact: number;
  conversations: number;
  messages: number;
  attachments: number;
  files: number;
}

export const complianceApi = {
  report: (slug: string) => http.get<ComplianceReport>(`${ws(slug)}/privacy/report/`),
  update: (slug: string, change: PrivacySettingsChange) =>
    http.patch<PrivacySettings>(`${ws(slug)}/privacy/settings/`, change),
  runRetention: (slug: string) =>
    http.post<RetentionRun>(`${ws(slug)}/privacy/retention/run/`, {}),
  erase: (slug: string, contact: number) =>
    http.post<ErasureResult>(`${ws(slug)}/privacy/contacts/${contact}/erase/`, {
      confirm: String(contact),
    }),
  /** The export is a zip, not JSON: fetched as a blob and handed to the browser to save. */
  async export(slug: string, contact: number): Promise<{ name: string; blob: Blob }> {
    const response = await fetch(`${ws(slug)}/privacy/contacts/${contact}/export/`, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
      throw new ApiError(response.status, body.code ?? `http_${response.status}`, body.detail ?? "");
    }
    const disposition = response.headers.get("Content-Disposition") ?? "";
    const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `contact-${contact}-export.zip`;
    return { name, blob: await response.blob() };
  },
};
